import Synchronization

/// A request being served: its task, and whether the client cancelled it.
///
/// Registered by the read loop before it reads the next message, so a cancel that follows the
/// request on the wire always finds it.
final class InFlightRequest: Sendable {
  let id: RequestID
  private let state = Mutex<(task: Task<[UInt8], Never>?, cancelled: Bool)>((nil, false))

  init(id: RequestID) { self.id = id }

  func attach(_ task: Task<[UInt8], Never>) {
    state.withLock { $0.task = task }
  }

  /// The client cancelled the request: its task is cancelled and the reply will be -32800 whatever
  /// the handler returns.
  func cancelByClient() {
    let task = state.withLock { state -> Task<[UInt8], Never>? in
      state.cancelled = true
      return state.task
    }
    task?.cancel()
  }

  /// The session is ending: the task is cancelled, but a handler that still finishes gets its
  /// result sent (a client that closed stdin right after writing still gets its answers).
  func cancelForShutdown() {
    state.withLock { $0.task }?.cancel()
  }

  var isCancelledByClient: Bool { state.withLock { $0.cancelled } }
}
