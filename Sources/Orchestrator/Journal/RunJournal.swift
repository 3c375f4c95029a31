import Foundation
import Synchronization
import JSON
import Secrets

/// Appends a run's records to `<stateDirectory>/runs/<runId>.jsonl`, one `write(2)` per record.
///
/// Each record is written as soon as its step ends, so a crash loses at most the step in progress; the file is
/// fsynced once, when the run ends (an fsync per step would cost more than the step's bookkeeping).
final class RunJournal: Sendable {
  let path: String
  private let file: Mutex<FileState>

  private struct FileState {
    var descriptor: Int32
    var failure: String?
  }

  /// Opens (creating directories as needed) the journal of `runId`, or throws with the reason.
  /// Every line is written without the configured secrets (a task or a model output may quote a key).
  private let redactor: SecretRedactor

  init(stateDirectory: String, runId: String, redactor: SecretRedactor = .none) throws {
    self.redactor = redactor
    let directory = (stateDirectory as NSString).expandingTildeInPath + "/runs"
    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    path = "\(directory)/\(runId).jsonl"
    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw EngineError(.invalidRequest, "cannot open the journal \(path): \(String(cString: strerror(errno)))")
    }
    file = Mutex(FileState(descriptor: descriptor))
  }

  /// The first write error, if any; the run goes on without its journal rather than failing.
  var failure: String? { file.withLock { $0.failure } }

  func append(_ record: JournalRecord) {
    var line: [UInt8]
    if let fast = record.fastLine() {
      line = fast
    } else {
      do {
        line = try JSONCoding.encode(record)
      } catch {
        file.withLock { $0.failure = $0.failure ?? "cannot encode a journal record: \(error)" }
        return
      }
    }
    line = redactor.redact(line)
    line.append(0x0a)
    file.withLock { state in
      guard state.descriptor >= 0, state.failure == nil else { return }
      let failure: String? = line.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
          let written = write(state.descriptor, bytes.baseAddress! + offset, bytes.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            return "cannot write the journal \(path): \(String(cString: strerror(errno)))"
          }
          offset += written
        }
        return nil
      }
      if let failure { state.failure = failure }
    }
  }

  /// Flushes to disk and closes; later appends are dropped.
  func close() {
    file.withLock { state in
      guard state.descriptor >= 0 else { return }
      fsync(state.descriptor)
      Foundation.close(state.descriptor)
      state.descriptor = -1
    }
  }

  deinit {
    file.withLock { state in
      if state.descriptor >= 0 { Foundation.close(state.descriptor) }
    }
  }
}
