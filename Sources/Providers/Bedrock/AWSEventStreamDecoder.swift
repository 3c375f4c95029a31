import Foundation

/// A header value in an AWS event-stream message.
enum AWSEventStreamHeaderValue: Sendable, Equatable {
  case bool(Bool)
  case byte(Int8)
  case short(Int16)
  case int(Int32)
  case long(Int64)
  case bytes(Data)
  case string(String)
  /// Milliseconds since the Unix epoch.
  case timestamp(Int64)
  case uuid(Data)
}

/// One message of an `application/vnd.amazon.eventstream` body.
struct AWSEventStreamMessage: Sendable, Equatable {
  var headers: [String: AWSEventStreamHeaderValue]
  var payload: Data

  /// A string header such as `:event-type`, `:message-type`, `:exception-type`.
  func string(_ name: String) -> String? {
    if case .string(let value) = headers[name] { return value }
    return nil
  }
}

/// Incremental decoder for the AWS event-stream binary framing that Bedrock's `converse-stream` uses:
///
///     total length  u32 BE  (whole message, 16 bytes of framing included)
///     headers length u32 BE
///     prelude CRC32 u32 BE  (of the 8 bytes above)
///     headers: name length u8, name, type u8, value
///       (0 true, 1 false, 2 byte, 3 i16, 4 i32, 5 i64, 6 bytes u16-len, 7 string u16-len, 8 timestamp i64, 9 uuid 16)
///     payload: total - headers - 16 bytes
///     message CRC32 u32 BE  (of everything before it)
///
/// Both checksums are verified; a mismatch means the framing is lost, so it is fatal.
struct AWSEventStreamDecoder: Sendable {
  enum Failure: Error, Equatable, CustomStringConvertible {
    case preludeChecksumMismatch
    case messageChecksumMismatch
    case invalidLength(total: UInt32, headers: UInt32)
    case invalidHeader(String)
    case truncated(bytes: Int)

    var description: String {
      switch self {
      case .preludeChecksumMismatch: return "event-stream prelude checksum mismatch"
      case .messageChecksumMismatch: return "event-stream message checksum mismatch"
      case .invalidLength(let total, let headers): return "event-stream lengths invalid (total \(total), headers \(headers))"
      case .invalidHeader(let detail): return "event-stream header invalid: \(detail)"
      case .truncated(let bytes): return "event stream ended inside a message (\(bytes) bytes left)"
      }
    }
  }

  /// Bedrock payloads are small; anything this big means a corrupt length.
  static let maxMessageLength: UInt32 = 16 * 1024 * 1024
  private static let framingLength = 16

  private var buffer: [UInt8] = []

  init() {}

  /// Consumes bytes and returns the messages they complete, in order.
  mutating func feed(_ bytes: Data) throws -> [AWSEventStreamMessage] {
    buffer.append(contentsOf: bytes)
    var messages: [AWSEventStreamMessage] = []
    var offset = 0
    while buffer.count - offset >= 12 {
      let total = Self.uint32(buffer, at: offset)
      let headersLength = Self.uint32(buffer, at: offset + 4)
      guard Self.uint32(buffer, at: offset + 8) == CRC32.checksum(buffer[offset..<offset + 8]) else {
        throw Failure.preludeChecksumMismatch
      }
      guard total >= Self.framingLength, total <= Self.maxMessageLength, headersLength <= total - 16 else {
        throw Failure.invalidLength(total: total, headers: headersLength)
      }
      let end = offset + Int(total)
      guard buffer.count >= end else { break }
      guard Self.uint32(buffer, at: end - 4) == CRC32.checksum(buffer[offset..<end - 4]) else {
        throw Failure.messageChecksumMismatch
      }
      let headersStart = offset + 12
      let payloadStart = headersStart + Int(headersLength)
      let headers = try Self.parseHeaders(buffer[headersStart..<payloadStart])
      messages.append(AWSEventStreamMessage(headers: headers, payload: Data(buffer[payloadStart..<end - 4])))
      offset = end
    }
    buffer.removeFirst(offset)
    return messages
  }

  /// The body ended: fails if it ended inside a message.
  func finish() throws {
    if !buffer.isEmpty { throw Failure.truncated(bytes: buffer.count) }
  }

  private static func parseHeaders(_ bytes: ArraySlice<UInt8>) throws -> [String: AWSEventStreamHeaderValue] {
    var headers: [String: AWSEventStreamHeaderValue] = [:]
    var index = bytes.startIndex
    func take(_ count: Int) throws -> ArraySlice<UInt8> {
      guard bytes.endIndex - index >= count else { throw Failure.invalidHeader("runs past the header block") }
      defer { index += count }
      return bytes[index..<index + count]
    }
    func integer(_ count: Int) throws -> Int64 {
      var value: UInt64 = 0
      for byte in try take(count) { value = value << 8 | UInt64(byte) }
      // Sign-extend from `count` bytes.
      let shift = UInt64(64 - 8 * count)
      return Int64(bitPattern: value << shift) >> Int64(shift)
    }
    while index < bytes.endIndex {
      let nameLength = Int(try take(1).first!)
      let name = String(decoding: try take(nameLength), as: UTF8.self)
      let type = try take(1).first!
      let value: AWSEventStreamHeaderValue
      switch type {
      case 0: value = .bool(true)
      case 1: value = .bool(false)
      case 2: value = .byte(Int8(try integer(1)))
      case 3: value = .short(Int16(try integer(2)))
      case 4: value = .int(Int32(try integer(4)))
      case 5: value = .long(try integer(8))
      case 6: value = .bytes(Data(try take(Int(try integer(2)) & 0xFFFF)))
      case 7: value = .string(String(decoding: try take(Int(try integer(2)) & 0xFFFF), as: UTF8.self))
      case 8: value = .timestamp(try integer(8))
      case 9: value = .uuid(Data(try take(16)))
      default: throw Failure.invalidHeader("unknown value type \(type) for '\(name)'")
      }
      headers[name] = value
    }
    return headers
  }

  private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
      | UInt32(bytes[offset + 3])
  }
}
