import Testing
@testable import Transport

/// Decodes everything `chunks` deliver, in order.
private func decodeAll(_ chunks: [[UInt8]], framing: Framing? = nil, limit: Int = 1 << 20) -> [FrameDecoder.Output] {
  var decoder = FrameDecoder(framing: framing, maxFrameBytes: limit)
  var outputs: [FrameDecoder.Output] = []
  for chunk in chunks {
    decoder.append(chunk)
    while let output = decoder.next() { outputs.append(output) }
  }
  return outputs
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

private func frames(_ texts: String...) -> [FrameDecoder.Output] { texts.map { .frame(bytes($0)) } }

/// Every way of cutting `input` into two pieces, plus one byte at a time.
private func splits(of input: [UInt8]) -> [[[UInt8]]] {
  var result: [[[UInt8]]] = [input.map { [$0] }]
  for cut in 0...input.count {
    result.append([Array(input[..<cut]), Array(input[cut...])])
  }
  return result
}

@Suite("FrameDecoder")
struct FrameDecoderTests {
  static let lspStream = bytes(
    "Content-Length: 16\r\n\r\n{\"a\":\"é\",\"b\":1}Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[]"
  )
  static let ndjsonStream = bytes("{\"a\":1}\n\r\n[2]\r\n  \n{\"c\":\"ü\"}\n")

  @Test func lspFramesSplitAtEveryByteBoundaryDecodeTheSame() {
    for chunks in splits(of: Self.lspStream) {
      #expect(decodeAll(chunks) == frames("{\"a\":\"é\",\"b\":1}", "[]"))
    }
  }

  @Test func ndjsonFramesSplitAtEveryByteBoundaryDecodeTheSame() {
    for chunks in splits(of: Self.ndjsonStream) {
      #expect(decodeAll(chunks) == frames("{\"a\":1}", "[2]", "{\"c\":\"ü\"}"))
    }
  }

  @Test func framingIsSniffedFromTheFirstNonBlankByte() {
    var lsp = FrameDecoder()
    lsp.append(bytes("\r\n  Content-Length: 2\r\n\r\n{}"))
    #expect(lsp.next() == .frame(bytes("{}")))
    #expect(lsp.framing == .contentLength)

    var lowercase = FrameDecoder()
    lowercase.append(bytes("content-length: 2\r\n\r\n{}"))
    #expect(lowercase.next() == .frame(bytes("{}")))

    var ndjson = FrameDecoder()
    ndjson.append(bytes("\n[1]\n"))
    #expect(ndjson.next() == .frame(bytes("[1]")))
    #expect(ndjson.framing == .newline)
  }

  @Test func headerNamesAreCaseInsensitiveAndLegacyUtf8CharsetIsAccepted() {
    let input = bytes("CONTENT-LENGTH: 2\r\ncontent-type: application/json; charset=utf8\r\n\r\n{}")
    #expect(decodeAll([input]) == frames("{}"))
  }

  @Test func otherCharsetsAreRefusedAndTheirBodySkipped() {
    let input = bytes(
      "Content-Length: 4\r\nContent-Type: application/json; charset=latin1\r\n\r\nabcdContent-Length: 2\r\n\r\n{}")
    #expect(decodeAll([input]) == [.error(.unsupportedCharset("latin1")), .frame(bytes("{}"))])
  }

  @Test func oversizedLspFrameIsSkippedByItsDeclaredLength() {
    let big = String(repeating: "x", count: 2000)
    let input = bytes("Content-Length: 2000\r\n\r\n\(big)Content-Length: 2\r\n\r\n{}")
    for chunks in [[input], input.map { [$0] }] {
      #expect(decodeAll(chunks, limit: 1024) == [.error(.frameTooLarge(size: 2000, limit: 1024)), .frame(bytes("{}"))])
    }
  }

  @Test func oversizedLineIsSkippedToItsNewline() throws {
    let big = "[" + String(repeating: "1,", count: 1000) + "1]"
    let input = bytes("\(big)\n{\"ok\":true}\n")
    let outputs = decodeAll([Array(input[..<1500]), Array(input[1500...])], limit: 1024)
    try #require(outputs.count == 2)
    if case .error(.frameTooLarge(_, 1024)) = outputs[0] {} else { Issue.record("expected frameTooLarge, got \(outputs[0])") }
    #expect(outputs[1] == .frame(bytes("{\"ok\":true}")))
  }

  @Test func headerWithoutLengthIsDroppedUpToTheNextHeader() {
    let input = bytes("Content-Type: application/json\r\n\r\n{\"lost\":1}\r\nContent-Length: 2\r\n\r\n{}")
    #expect(decodeAll([input]) == [.error(.malformedHeader("missing Content-Length")), .frame(bytes("{}"))])
  }

  /// A 52-byte request, as in the reports of lost frames.
  static let request52 = #"{"jsonrpc":"2.0","id":12345,"method":"baton/status"}"#

  @Test func headerBlockWithoutItsBodyDoesNotSwallowTheNextFrame() {
    #expect(bytes(Self.request52).count == 52)
    let input = bytes("Content-Length: 10\r\n\r\nContent-Length: 52\r\n\r\n\(Self.request52)")
    for chunks in splits(of: input) {
      #expect(decodeAll(chunks) == [.error(.bodyInterrupted(declared: 10, received: 0)), .frame(bytes(Self.request52))])
    }
  }

  @Test func lengthThirtyBytesTooLongDoesNotSwallowTheNextFrame() {
    let second = Self.request52.replacingOccurrences(of: "12345", with: "67890")
    let input = bytes("Content-Length: 82\r\n\r\n\(Self.request52)Content-Length: 52\r\n\r\n\(second)")
    for chunks in splits(of: input) {
      #expect(decodeAll(chunks) == [.error(.bodyInterrupted(declared: 82, received: 52)), .frame(bytes(second))])
    }
  }

  /// The declared body is never filled: the next frame is shorter than the excess, and nothing follows it.
  @Test func lengthLongerThanEverythingLeftStillFindsTheNextFrame() {
    for input in [
      bytes("Content-Length: 60\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}"),
      bytes("Content-Length: 60\n\n{\"a\":1}\r\nCONTENT-LENGTH:2\n\n{}"),
    ] {
      for chunks in splits(of: input) {
        let outputs = decodeAll(chunks)
        #expect(outputs.count == 2)
        if case .error(.bodyInterrupted(declared: 60, _))? = outputs.first {} else { Issue.record("got \(outputs)") }
        #expect(outputs.last == .frame(bytes("{}")))
      }
    }
  }

  @Test func bodyWhoseStringsMentionContentLengthIsAFrame() {
    let body = "{\"note\":\"Content-Length: 12\",\r\n\"lower\":\"content-length:5\"\r\n,\"c\":\"Content-Length: 7\"}"
    let input = bytes("Content-Length: \(bytes(body).count)\r\n\r\n\(body)Content-Length: 2\r\n\r\n{}")
    for chunks in splits(of: input) {
      #expect(decodeAll(chunks) == frames(body, "{}"))
    }
  }

  @Test func headerLineSplitAtTheDeclaredEndIsWaitedFor() {
    // The declared body ends inside the next header's name: the decoder must wait to see the whole line.
    let input = bytes("Content-Length: 12\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n[]")
    for chunks in splits(of: input) {
      #expect(decodeAll(chunks) == [.error(.bodyInterrupted(declared: 12, received: 7)), .frame(bytes("[]"))])
    }
  }

  @Test func nonNumericLengthIsMalformed() throws {
    let outputs = decodeAll([bytes("Content-Length: ten\r\n\r\n{}Content-Length: 2\r\n\r\n[]")])
    try #require(outputs.count == 2)
    if case .error(.malformedHeader) = outputs[0] {} else { Issue.record("expected malformedHeader") }
    #expect(outputs[1] == .frame(bytes("[]")))
  }

  @Test func endlessHeaderIsRefusedWithoutBufferingForever() {
    let junk = bytes("Content-Length: 2" + String(repeating: "z", count: FrameDecoder.maxHeaderBytes + 10))
    var decoder = FrameDecoder()
    decoder.append(junk)
    if case .error(.malformedHeader)? = decoder.next() {} else { Issue.record("expected malformedHeader") }
    #expect(decoder.next() == nil)
    #expect(decoder.bufferedByteCount < 64)
  }

  @Test func unrecognisedFirstByteIsReportedAndItsLineDropped() {
    #expect(decodeAll([bytes("hello\n{\"a\":1}\n")]) == [.error(.unrecognisedFraming(firstByte: UInt8(ascii: "h"))), .frame(bytes("{\"a\":1}"))])
  }

  @Test func fixedFramingIsNotSniffed() {
    #expect(decodeAll([bytes("{\"a\":1}\n")], framing: .contentLength).first != .frame(bytes("{\"a\":1}")))
    #expect(decodeAll([bytes("{\"a\":1}\n")], framing: .newline) == frames("{\"a\":1}"))
  }

  @Test func encodeThenDecodeRoundTripsInBothFramings() {
    for framing in Framing.allCases {
      let payloads = ["{}", "[1,2]", "{\"text\":\"line\\nbreak ü\"}"].map(bytes)
      let stream = payloads.flatMap { framing.encode($0) }
      for chunks in splits(of: stream) {
        #expect(decodeAll(chunks, framing: framing) == payloads.map { .frame($0) })
      }
    }
  }
}
