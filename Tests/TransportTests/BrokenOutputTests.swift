#if canImport(Glibc)
  import Glibc
#endif
import Testing
@testable import Transport

/// A channel whose output pipe's read end the test controls, with the failures it reports.
private struct ChannelWithClosableOutput {
  let channel: StdioChannel
  let outputReadFD: Int32
  let failures: AsyncStream<OutputFailure>
  private let failuresContinuation: AsyncStream<OutputFailure>.Continuation

  init() {
    var input: [Int32] = [0, 0]
    var output: [Int32] = [0, 0]
    _ = pipe(&input)
    _ = pipe(&output)
    channel = StdioChannel(input: input[0], output: output[1], framing: .newline)
    outputReadFD = output[0]
    (failures, failuresContinuation) = AsyncStream.makeStream(of: OutputFailure.self)
    let continuation = failuresContinuation
    channel.start(receiver: { _ in }, onOutputBroken: { continuation.yield($0) })
  }

  func closeReader() { close(outputReadFD) }

  /// Ends the stream of reports: whatever was reported before is still read, then nil.
  func stopListening() { failuresContinuation.finish() }
}

@Suite("Broken output", .timeLimit(.minutes(1)))
struct BrokenOutputTests {
  @Test func writeToAPipeWhoseReaderHasGoneIsReportedOnce() async {
    let pipes = ChannelWithClosableOutput()
    pipes.closeReader()
    pipes.channel.send(Array(#"{"lost":1}"#.utf8))
    var iterator = pipes.failures.makeAsyncIterator()
    #expect(await iterator.next() == .closedByReader)
    // Later frames are dropped without a second report, and flush does not wait for them.
    pipes.channel.send(Array(#"{"lost":2}"#.utf8))
    await pipes.channel.flush()
    pipes.stopListening()
    #expect(await iterator.next() == nil)
  }

  @Test func readerLeavingWhileTheWriterThreadWaitsIsReported() async {
    let pipes = ChannelWithClosableOutput()
    // Far more than a pipe holds: the rest waits on the writer thread, polling for room.
    pipes.channel.send(Array("[\"\(String(repeating: "x", count: 1 << 20))\"]".utf8))
    pipes.closeReader()
    var iterator = pipes.failures.makeAsyncIterator()
    #expect(await iterator.next() == .closedByReader)
    await pipes.channel.flush()
  }

  @Test func inMemoryPeerThatStopsReadingBreaksTheOutputOnTheNextSend() async {
    let (client, server) = InMemoryChannel.pair()
    let (failures, continuation) = AsyncStream.makeStream(of: OutputFailure.self)
    server.start(receiver: { _ in }, onOutputBroken: { continuation.yield($0) })
    let clientEvents = client.events()
    client.stopReading()
    server.send(Array("[1]".utf8))
    server.send(Array("[2]".utf8))
    continuation.finish()
    var reported: [OutputFailure] = []
    for await failure in failures { reported.append(failure) }
    #expect(reported == [.closedByReader])
    // The client still talks to the server; it just hears nothing back.
    server.close()
    var heard: [InboundEvent] = []
    for await event in clientEvents { heard.append(event) }
    #expect(heard.isEmpty)
  }
}
