/// What a handler may touch while serving one request. Cancellation is ambient: the handler's task
/// is cancelled when the client cancels the request, so `Task.checkCancellation()` and cancellable
/// awaits just work.
public struct RequestContext: Sendable {
  public let id: RequestID
  public let method: String
  public let connection: Connection
  /// Sends `$/progress` / `notifications/progress` when the client asked for them; silent otherwise.
  public let progress: ProgressReporter
  /// When the request was read, before its params were decoded: deadlines count from here, so decoding
  /// a large request is part of the time the client allowed.
  public let receivedAt: ContinuousClock.Instant

  public init(
    id: RequestID, method: String, connection: Connection, progress: ProgressReporter,
    receivedAt: ContinuousClock.Instant = .now
  ) {
    self.id = id
    self.method = method
    self.connection = connection
    self.progress = progress
    self.receivedAt = receivedAt
  }

  /// Sends a notification to the client.
  public func notify<Notification: RPCNotification>(_ type: Notification.Type, _ params: Notification.Params) {
    connection.notify(type, params)
  }

  /// Sends a notification that belongs to this request: its params object gains `"requestId"`, this
  /// request's id exactly as the client wrote it, so clients can route it whatever the id's form.
  public func notifyAboutRequest<Notification: RPCNotification>(
    _ type: Notification.Type, _ params: Notification.Params
  ) {
    connection.notify(type, params, about: id)
  }
}
