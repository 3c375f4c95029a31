#if canImport(Glibc)
  @preconcurrency import Glibc
#endif
import Synchronization
import Secrets

/// How much goes to stderr.
public enum LogLevel: Int, Comparable, Sendable, CaseIterable {
  case off, error, warning, info, debug, trace

  public init?(name: String) {
    switch name.lowercased() {
    case "off", "none", "quiet": self = .off
    case "error": self = .error
    case "warn", "warning": self = .warning
    case "info": self = .info
    case "debug": self = .debug
    case "trace": self = .trace
    default: return nil
    }
  }

  public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

  var label: String {
    switch self {
    case .off: return "off"
    case .error: return "error"
    case .warning: return "warning"
    case .info: return "info"
    case .debug: return "debug"
    case .trace: return "trace"
    }
  }
}

/// Diagnostics for humans, on stderr only: stdout carries protocol bytes and nothing else.
public final class Logger: Sendable {
  public let level: LogLevel
  private let descriptor: Int32
  private let lock = Mutex(())
  /// Configured secrets never reach stderr either, whatever a message quotes.
  private let redactor: SecretRedactor

  public init(level: LogLevel = .warning, descriptor: Int32 = 2, redactor: SecretRedactor = .none) {
    self.level = level
    self.descriptor = descriptor
    self.redactor = redactor
  }

  public func isEnabled(_ level: LogLevel) -> Bool { level != .off && level <= self.level }

  public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
    guard isEnabled(level) else { return }
    let line = redactor.redact(Array("baton: \(level.label): \(message())\n".utf8))
    lock.withLock { _ in
      line.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
          let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
          if written <= 0 { return }
          offset += written
        }
      }
    }
  }

  public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
  public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
  public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
  public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
}
