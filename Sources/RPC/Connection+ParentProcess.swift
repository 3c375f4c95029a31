#if canImport(Glibc)
  @preconcurrency import Glibc
#endif
import Foundation
import Synchronization
import JSON

/// LSP's `processId`: the session ends when the editor that spawned Baton is gone.
extension Connection {
  /// `initialize`'s `processId`: absent or null, or a pid (1...Int32.max). Anything else is refused
  /// before the session starts, so the client can send `initialize` again.
  static func parentProcessID(in params: JSONValue?) -> Result<Int32?, RPCError> {
    switch params?["processId"] {
    case nil, .null?: return .success(nil)
    case .some(let value):
      if let pid = value.intValue, let processID = Int32(exactly: pid), processID > 0 { return .success(processID) }
      return .failure(.invalidParams("invalid params: field 'processId': must be a process id between 1 and \(Int32.max), or null"))
    }
  }

  /// LSP: when the editor that started us dies, we exit too rather than linger as an orphan.
  func watchParent(processID: Int32) {
    Task.detached { [weak self] in
      while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(1))
        guard let self else { return }
        if kill(processID, 0) != 0 && errno == ESRCH {
          self.logger.warning("parent process \(processID) exited; shutting down")
          self.terminate(exitCode: 1)
          return
        }
        if self.state.withLock({ $0.closed }) { return }
      }
    }
  }
}
