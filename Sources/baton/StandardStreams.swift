import Foundation

/// Human-readable output of the CLI commands (never used while serving: stdout is then the protocol's).
enum StandardOutput {
  static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}

/// Diagnostics for humans.
enum StandardError {
  static func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
