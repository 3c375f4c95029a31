#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a channel can no longer write. Nothing written after it can reach anyone, so the owner should
/// end the session rather than go on working for a reader that is gone.
public enum OutputFailure: Error, Sendable, Equatable, CustomStringConvertible {
  /// The reader closed its end (EPIPE, or a reset socket).
  case closedByReader
  /// Any other error that `write(2)` does not recover from.
  case writeFailed(errno: Int32)

  /// The failure a failed `write(2)` left in `errno`.
  static func fromWrite(errno code: Int32) -> OutputFailure {
    code == EPIPE || code == ECONNRESET ? .closedByReader : .writeFailed(errno: code)
  }

  public var description: String {
    switch self {
    case .closedByReader:
      return "stdout closed by the reader"
    case .writeFailed(let code):
      return "writing stdout failed (\(String(cString: strerror(code))))"
    }
  }
}
