import Foundation
import JSON
import Transport

/// The real `baton serve`, with stdout read only when the test asks, so the test can close its read end
/// like a client that went away. (`BatonProcess` keeps a reader thread on stdout, so it cannot.)
final class ClosableStdoutBaton: @unchecked Sendable {
  let process = Process()
  private let stdinPipe = Pipe()
  private let stdoutPipe = Pipe()
  private let stderrPipe = Pipe()
  private var decoder = FrameDecoder(framing: .newline)

  init(arguments: [String]) throws {
    // Writing to Baton's stdin after it exited must fail with EPIPE, not kill the test process.
    StdioChannel.ignoreSIGPIPE()
    process.executableURL = BatonProcess.executableURL
    process.arguments = arguments
    process.standardInput = stdinPipe
    process.standardOutput = stdoutPipe
    process.standardError = stderrPipe
    try process.run()
  }

  func send(_ message: JSONValue) throws {
    try stdinPipe.fileHandleForWriting.write(contentsOf: Framing.newline.encode(JSONWriter.bytes(message)))
  }

  /// Reads stdout up to the reply with `id`, skipping notifications (on a thread: reading blocks).
  /// Cancelling (a test's time limit) kills Baton, so a missing reply fails the test instead of hanging it.
  func reply(to id: JSONValue) async throws -> JSONValue {
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        Thread { [self] in continuation.resume(with: Result { try readReply(to: id) }) }.start()
      }
    } onCancel: { [process] in
      process.terminate()
    }
  }

  private func readReply(to id: JSONValue) throws -> JSONValue {
    while true {
      while let output = decoder.next() {
        guard case .frame(let bytes) = output else { throw BatonProcess.EndToEndError.notProtocol("\(output)") }
        let message = try JSONParser.parse(bytes)
        if message["method"] == nil && message["id"] == id { return message }
      }
      let chunk = stdoutPipe.fileHandleForReading.availableData
      if chunk.isEmpty { throw BatonProcess.EndToEndError.stdoutClosed }
      decoder.append(chunk)
    }
  }

  /// Closes the only read end of Baton's stdout: its next write fails with EPIPE.
  func closeStdout() throws {
    try stdoutPipe.fileHandleForReading.close()
  }

  /// Waits for the process to end (on a thread: `waitUntilExit` blocks) and returns its exit code.
  /// Cancelling kills Baton, so a process that does not exit fails the test instead of hanging it.
  func exitCode() async -> Int32 {
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        Thread { [process] in
          process.waitUntilExit()
          continuation.resume(returning: process.terminationStatus)
        }.start()
      }
    } onCancel: { [process] in
      process.terminate()
    }
  }

  /// Everything the process wrote to stderr (call after it exited).
  func standardError() -> String {
    String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  }
}
