/// Why bytes could not be turned into a frame. The decoder resynchronises after each one.
public enum FramingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A frame (declared or found) is larger than the limit; its bytes are skipped.
  case frameTooLarge(size: Int, limit: Int)
  /// An LSP header block could not be understood.
  case malformedHeader(String)
  /// A `Content-Length` header line appeared inside a body: the declared length was too long. The bytes
  /// before it are dropped and decoding restarts at that header.
  case bodyInterrupted(declared: Int, received: Int)
  /// The header block declared a charset other than UTF-8; its body is skipped.
  case unsupportedCharset(String)
  /// The first bytes were neither LSP headers nor JSON, so the framing cannot be chosen.
  case unrecognisedFraming(firstByte: UInt8)
  /// The input ended in the middle of a frame.
  case truncatedAtEndOfInput(bufferedBytes: Int)

  public var description: String {
    switch self {
    case .frameTooLarge(let size, let limit):
      return "frame of \(size) bytes exceeds the limit of \(limit) bytes"
    case .malformedHeader(let detail):
      return "malformed header: \(detail)"
    case .bodyInterrupted(let declared, let received):
      return "Content-Length declared \(declared) bytes, but the next Content-Length header began after \(received)"
    case .unsupportedCharset(let charset):
      return "unsupported charset '\(charset)' (only utf-8 is accepted)"
    case .unrecognisedFraming(let byte):
      return "cannot tell the framing from first byte 0x\(String(byte, radix: 16)) (expected 'Content-Length' or JSON)"
    case .truncatedAtEndOfInput(let count):
      return "input ended in the middle of a frame (\(count) bytes discarded)"
    }
  }
}
