import Synchronization

/// A request being served: its task, whether the client cancelled it, and whether it has been answered.
///
/// Registered by the read loop before it reads the next message, so a cancel that follows the
/// request on the wire always finds it. The reply slot makes "exactly one reply" a property of the
/// type: whoever claims it first (the finished handler, or a cancellation) sends, nobody else can.
final class InFlightRequest: Sendable {
  let id: RequestID
  /// False for members of a batch, whose replies go out together in one array.
  let answersAlone: Bool
  private let state = Mutex<(task: Task<[UInt8], Never>?, cancelledByClient: Bool, replied: Bool)>((nil, false, false))

  init(id: RequestID, answersAlone: Bool) {
    self.id = id
    self.answersAlone = answersAlone
  }

  func attach(_ task: Task<[UInt8], Never>) {
    state.withLock { $0.task = task }
  }

  /// The client cancelled the request: its task is cancelled and the reply is -32800 whatever the
  /// handler returns.
  func cancelByClient() {
    let task = state.withLock { state -> Task<[UInt8], Never>? in
      state.cancelledByClient = true
      return state.task
    }
    task?.cancel()
  }

  /// The session is ending: the task is cancelled, but a handler that still finishes gets its
  /// result sent (a client that closed stdin right after writing still gets its answers).
  func cancelForShutdown() {
    state.withLock { $0.task }?.cancel()
  }

  /// Returns when the request's handler has finished.
  func finished() async {
    if let task = state.withLock({ $0.task }) { _ = await task.value }
  }

  var isCancelledByClient: Bool { state.withLock { $0.cancelledByClient } }

  /// Whether the one reply has been claimed (and so is sent or being sent).
  var hasReplied: Bool { state.withLock { $0.replied } }

  /// True exactly once: the caller then owns the one reply.
  func claimReply() -> Bool {
    state.withLock { state in
      if state.replied { return false }
      state.replied = true
      return true
    }
  }
}
