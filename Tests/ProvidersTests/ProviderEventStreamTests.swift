import Foundation
import Testing
@testable import Providers

/// Builds AWS event-stream messages for tests, independently of the decoder under test (it shares only
/// `CRC32`, which has its own known-answer test).
enum EventStreamFixture {
  enum Header {
    case string(String, String)
    case raw(name: String, type: UInt8, value: [UInt8])
  }

  static func message(_ headers: [Header], payload: Data) -> Data {
    var headerBytes: [UInt8] = []
    for header in headers {
      switch header {
      case .string(let name, let value):
        headerBytes += [UInt8(name.utf8.count)] + Array(name.utf8) + [7] + bigEndian(UInt16(value.utf8.count))
          + Array(value.utf8)
      case .raw(let name, let type, let value):
        headerBytes += [UInt8(name.utf8.count)] + Array(name.utf8) + [type] + value
      }
    }
    let total = UInt32(12 + headerBytes.count + payload.count + 4)
    var bytes = bigEndian(total) + bigEndian(UInt32(headerBytes.count))
    bytes += bigEndian(CRC32.checksum(bytes))
    bytes += headerBytes + Array(payload)
    bytes += bigEndian(CRC32.checksum(bytes))
    return Data(bytes)
  }

  /// A Bedrock `converse-stream` event as the service frames it.
  static func event(_ type: String, _ json: String) -> Data {
    message(
      [.string(":event-type", type), .string(":content-type", "application/json"), .string(":message-type", "event")],
      payload: Data(json.utf8))
  }

  static func exception(_ type: String, _ json: String) -> Data {
    message(
      [.string(":exception-type", type), .string(":content-type", "application/json"), .string(":message-type", "exception")],
      payload: Data(json.utf8))
  }

  static func bigEndian<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
  }
}

@Suite struct ProviderEventStreamTests {
  @Test func crc32MatchesTheStandardCheckValue() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([UInt8]()) == 0)
  }

  @Test func decodesMessagesSplitIntoSingleBytes() throws {
    let first = EventStreamFixture.event("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}"#)
    let second = EventStreamFixture.event("messageStop", #"{"stopReason":"end_turn"}"#)
    var decoder = AWSEventStreamDecoder()
    var messages: [AWSEventStreamMessage] = []
    for byte in first + second {
      messages += try decoder.feed(Data([byte]))
    }
    try decoder.finish()
    #expect(messages.count == 2)
    #expect(messages[0].string(":event-type") == "contentBlockDelta")
    #expect(messages[0].string(":message-type") == "event")
    #expect(messages[0].payload == Data(#"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}"#.utf8))
    #expect(messages[1].string(":event-type") == "messageStop")
  }

  @Test func decodesEveryHeaderValueType() throws {
    let uuid: [UInt8] = Array(0..<16)
    let data = EventStreamFixture.message(
      [
        .raw(name: "t", type: 0, value: []), .raw(name: "f", type: 1, value: []), .raw(name: "b", type: 2, value: [0xFF]),
        .raw(name: "s", type: 3, value: [0x01, 0x02]), .raw(name: "i", type: 4, value: [0xFF, 0xFF, 0xFF, 0xFE]),
        .raw(name: "l", type: 5, value: [0, 0, 0, 0, 0, 0, 0x01, 0x00]),
        .raw(name: "y", type: 6, value: [0, 2, 0xCA, 0xFE]),
        .raw(name: "ts", type: 8, value: EventStreamFixture.bigEndian(Int64(1_750_000_000_000))),
        .raw(name: "u", type: 9, value: uuid), .string("str", "välue"),
      ], payload: Data())
    var decoder = AWSEventStreamDecoder()
    let message = try #require(try decoder.feed(data).first)
    #expect(message.headers["t"] == .bool(true))
    #expect(message.headers["f"] == .bool(false))
    #expect(message.headers["b"] == .byte(-1))
    #expect(message.headers["s"] == .short(258))
    #expect(message.headers["i"] == .int(-2))
    #expect(message.headers["l"] == .long(256))
    #expect(message.headers["y"] == .bytes(Data([0xCA, 0xFE])))
    #expect(message.headers["ts"] == .timestamp(1_750_000_000_000))
    #expect(message.headers["u"] == .uuid(Data(uuid)))
    #expect(message.string("str") == "välue")
    #expect(message.payload.isEmpty)
  }

  @Test func corruptPreludeIsRejected() {
    var bytes = [UInt8](EventStreamFixture.event("messageStop", #"{"stopReason":"end_turn"}"#))
    bytes[3] ^= 0x01  // total length no longer matches the prelude CRC
    var decoder = AWSEventStreamDecoder()
    #expect(throws: AWSEventStreamDecoder.Failure.preludeChecksumMismatch) { try decoder.feed(Data(bytes)) }
  }

  @Test func corruptPayloadIsRejected() {
    var bytes = [UInt8](EventStreamFixture.event("messageStop", #"{"stopReason":"end_turn"}"#))
    bytes[bytes.count - 6] ^= 0x20  // inside the payload
    var decoder = AWSEventStreamDecoder()
    #expect(throws: AWSEventStreamDecoder.Failure.messageChecksumMismatch) { try decoder.feed(Data(bytes)) }
  }

  @Test func streamEndingInsideAMessageIsAnError() throws {
    let bytes = EventStreamFixture.event("messageStop", #"{"stopReason":"end_turn"}"#)
    var decoder = AWSEventStreamDecoder()
    #expect(try decoder.feed(bytes.prefix(bytes.count - 1)).isEmpty)
    #expect(throws: AWSEventStreamDecoder.Failure.truncated(bytes: bytes.count - 1)) { try decoder.finish() }
  }

  @Test func impossibleLengthIsRejected() {
    var bytes = EventStreamFixture.bigEndian(UInt32(8)) + EventStreamFixture.bigEndian(UInt32(0))
    bytes += EventStreamFixture.bigEndian(CRC32.checksum(bytes))
    var decoder = AWSEventStreamDecoder()
    #expect(throws: AWSEventStreamDecoder.Failure.invalidLength(total: 8, headers: 0)) { try decoder.feed(Data(bytes)) }
  }
}
