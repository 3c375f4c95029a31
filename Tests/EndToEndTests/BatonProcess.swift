import Foundation
import Testing
import JSON
import Transport

/// The real `baton` binary, spawned with pipes, driven like an editor or script would.
final class BatonProcess: @unchecked Sendable {
  let process = Process()
  private let stdinPipe = Pipe()
  private let stdoutPipe = Pipe()
  private let stderrPipe = Pipe()
  let framing: Framing
  /// Frames read from stdout; protocol bytes only, so any undecodable byte is a test failure.
  let frames: AsyncStream<InboundEvent>
  private var iterator: AsyncStream<InboundEvent>.Iterator

  /// The binary built next to the test bundle (`swift build` puts both in the same folder).
  static var executableURL: URL {
    if let override = ProcessInfo.processInfo.environment["BATON_BINARY"] { return URL(fileURLWithPath: override) }
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = testBinary.deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = folder.appendingPathComponent("baton")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      folder = folder.deletingLastPathComponent()
    }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    return packageRoot.appendingPathComponent(".build/debug/baton")
  }

  init(arguments: [String] = ["serve"], framing: Framing = .newline, environment: [String: String]? = nil) throws {
    self.framing = framing
    process.executableURL = Self.executableURL
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardInput = stdinPipe
    process.standardOutput = stdoutPipe
    process.standardError = stderrPipe
    let (stream, continuation) = AsyncStream.makeStream(of: InboundEvent.self)
    frames = stream
    iterator = stream.makeAsyncIterator()
    let handle = stdoutPipe.fileHandleForReading
    // A thread, not a task: reading a pipe blocks.
    let reader = Thread {
      var decoder = FrameDecoder(framing: framing)
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        decoder.append(chunk)
        while let output = decoder.next() {
          switch output {
          case .frame(let bytes): continuation.yield(.frame(bytes))
          case .error(let error): continuation.yield(.framingError(error))
          }
        }
      }
      continuation.finish()
    }
    try process.run()
    reader.start()
  }

  func writeRaw(_ text: String) {
    stdinPipe.fileHandleForWriting.write(Data(text.utf8))
  }

  func send(_ message: JSONValue) {
    stdinPipe.fileHandleForWriting.write(Data(framing.encode(JSONWriter.bytes(message))))
  }

  func closeStdin() {
    try? stdinPipe.fileHandleForWriting.close()
  }

  /// The next message on stdout.
  func next() async throws -> JSONValue {
    guard let event = await iterator.next() else { throw EndToEndError.stdoutClosed }
    guard case .frame(let bytes) = event else { throw EndToEndError.notProtocol("\(event)") }
    return try JSONParser.parse(bytes)
  }

  func nextReply() async throws -> JSONValue {
    while true {
      let message = try await next()
      if message["method"] == nil { return message }
    }
  }

  func request(_ id: JSONValue, _ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
    var message: [String: JSONValue] = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
    if let params { message["params"] = params }
    send(.object(message))
    return try await nextReply()
  }

  func notify(_ method: String, _ params: JSONValue? = nil) {
    var message: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
    if let params { message["params"] = params }
    send(.object(message))
  }

  func initialize() async throws -> JSONValue {
    try await request(0, "initialize", ["processId": .int(Int(ProcessInfo.processInfo.processIdentifier))])
  }

  /// Waits for the process to end (on a thread: `waitUntilExit` blocks) and returns its exit code.
  func exitCode() async -> Int32 {
    await withCheckedContinuation { continuation in
      Thread { [process] in
        process.waitUntilExit()
        continuation.resume(returning: process.terminationStatus)
      }.start()
    }
  }

  /// Everything the process wrote to stderr (call after it exited).
  func standardError() -> String {
    String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  }

  enum EndToEndError: Error { case stdoutClosed, notProtocol(String) }
}

/// Runs `baton` with arguments and no protocol, for CLI checks.
func runBatonCommand(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
  let process = Process()
  process.executableURL = BatonProcess.executableURL
  process.arguments = arguments
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = FileHandle.nullDevice
  try process.run()
  return await withCheckedContinuation { continuation in
    Thread {
      let stdout = out.fileHandleForReading.readDataToEndOfFile()
      let stderr = err.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      continuation.resume(
        returning: (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)))
    }.start()
  }
}
