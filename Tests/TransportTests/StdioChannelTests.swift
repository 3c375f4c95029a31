#if canImport(Glibc)
  import Glibc
#endif
import Testing
@testable import Transport

/// Two pipes and a server-side channel over them; the test writes raw bytes and reads frames back
/// through a client-side channel, so both ends run the real stdio code.
private struct PipePair {
  let server: StdioChannel
  let client: StdioChannel
  let serverEvents: AsyncStream<InboundEvent>
  let clientEvents: AsyncStream<InboundEvent>
  let clientWriteFD: Int32

  init(serverFraming: Framing?, clientFraming: Framing, maxFrameBytes: Int = 1 << 20) {
    var toServer: [Int32] = [0, 0]
    var toClient: [Int32] = [0, 0]
    _ = pipe(&toServer)
    _ = pipe(&toClient)
    server = StdioChannel(input: toServer[0], output: toClient[1], framing: serverFraming, maxFrameBytes: maxFrameBytes)
    client = StdioChannel(input: toClient[0], output: toServer[1], framing: clientFraming)
    clientWriteFD = toServer[1]
    serverEvents = server.events()
    clientEvents = client.events()
  }

  /// Raw bytes straight into the server's input.
  func writeRaw(_ text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { _ = write(clientWriteFD, $0.baseAddress, $0.count) }
  }

  func closeClientOutput() { close(clientWriteFD) }
}

private func collect(_ stream: AsyncStream<InboundEvent>, count: Int) async -> [InboundEvent] {
  var events: [InboundEvent] = []
  for await event in stream {
    events.append(event)
    if events.count == count { break }
  }
  return events
}

@Suite("Stdio channel over real pipes", .timeLimit(.minutes(1)))
struct StdioChannelTests {
  @Test(arguments: Framing.allCases)
  func framesRoundTripAndRepliesUseTheSniffedFraming(framing: Framing) async {
    let pipes = PipePair(serverFraming: nil, clientFraming: framing)
    pipes.client.send(Array(#"{"ping":1}"#.utf8))
    pipes.client.send(Array(#"{"ping":2}"#.utf8))
    let received = await collect(pipes.serverEvents, count: 2)
    #expect(received == [.frame(Array(#"{"ping":1}"#.utf8)), .frame(Array(#"{"ping":2}"#.utf8))])
    #expect(pipes.server.framing == framing)
    pipes.server.send(Array(#"{"pong":1}"#.utf8))
    // The client only decodes its own framing, so receiving the reply proves the server used it.
    let replies = await collect(pipes.clientEvents, count: 1)
    #expect(replies == [.frame(Array(#"{"pong":1}"#.utf8))])
  }

  @Test func repliesSentBeforeTheFramingIsKnownWaitForIt() async {
    let pipes = PipePair(serverFraming: nil, clientFraming: .contentLength)
    pipes.server.send(Array(#"{"early":true}"#.utf8))
    pipes.client.send(Array(#"{"hello":1}"#.utf8))
    _ = await collect(pipes.serverEvents, count: 1)
    let replies = await collect(pipes.clientEvents, count: 1)
    #expect(replies == [.frame(Array(#"{"early":true}"#.utf8))])
  }

  @Test func manyFramesFromConcurrentSendersNeverInterleave() async {
    let pipes = PipePair(serverFraming: .newline, clientFraming: .newline)
    let payload = String(repeating: "x", count: 5000)
    await withTaskGroup(of: Void.self) { group in
      for sender in 0..<8 {
        group.addTask {
          for index in 0..<50 { pipes.server.send(Array("{\"s\":\(sender),\"i\":\(index),\"p\":\"\(payload)\"}".utf8)) }
        }
      }
    }
    let replies = await collect(pipes.clientEvents, count: 400)
    #expect(replies.count == 400)
    #expect(replies.allSatisfy { event in
      if case .frame(let bytes) = event { return bytes.count > 5000 && bytes.first == UInt8(ascii: "{") && bytes.last == UInt8(ascii: "}") }
      return false
    })
  }

  @Test func oversizedFrameIsReportedAndTheNextOneStillArrives() async {
    let pipes = PipePair(serverFraming: nil, clientFraming: .contentLength, maxFrameBytes: 1024)
    pipes.writeRaw("Content-Length: 5000\r\n\r\n" + String(repeating: "y", count: 5000) + "Content-Length: 2\r\n\r\n{}")
    let events = await collect(pipes.serverEvents, count: 2)
    #expect(events == [.framingError(.frameTooLarge(size: 5000, limit: 1024)), .frame(Array("{}".utf8))])
  }

  @Test func tooLongContentLengthIsReportedAndTheNextFrameStillArrives() async {
    let pipes = PipePair(serverFraming: nil, clientFraming: .contentLength)
    // The first header claims 30 bytes more than its body: they would be taken from the next frame.
    pipes.writeRaw("Content-Length: 38\r\n\r\n{\"first\":1}")
    pipes.writeRaw("Content-Length: 12\r\n\r\n{\"second\":2}")
    let events = await collect(pipes.serverEvents, count: 2)
    #expect(events == [.framingError(.bodyInterrupted(declared: 38, received: 11)), .frame(Array(#"{"second":2}"#.utf8))])
  }

  @Test func endOfInputFinishesTheInboundStream() async {
    let pipes = PipePair(serverFraming: nil, clientFraming: .newline)
    pipes.writeRaw("{\"last\":1}\n")
    pipes.closeClientOutput()
    var events: [InboundEvent] = []
    for await event in pipes.serverEvents { events.append(event) }
    #expect(events == [.frame(Array(#"{"last":1}"#.utf8))])
  }

  @Test func endOfInputInsideAFrameIsReported() async {
    let pipes = PipePair(serverFraming: nil, clientFraming: .newline)
    pipes.writeRaw("Content-Length: 50\r\n\r\n{\"cut")
    pipes.closeClientOutput()
    var events: [InboundEvent] = []
    for await event in pipes.serverEvents { events.append(event) }
    #expect(events == [.framingError(.truncatedAtEndOfInput(bufferedBytes: 5))])
  }

  @Test func flushReturnsOnceQueuedFramesAreWritten() async {
    let pipes = PipePair(serverFraming: .newline, clientFraming: .newline)
    for index in 0..<100 { pipes.server.send(Array("{\"i\":\(index)}".utf8)) }
    await pipes.server.flush()
    // Everything is in the pipe already: the client reads all 100 without the server doing more.
    let replies = await collect(pipes.clientEvents, count: 100)
    #expect(replies.count == 100)
  }
}
