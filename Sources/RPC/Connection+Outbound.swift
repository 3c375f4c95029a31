import Foundation
import Synchronization
import JSON
import Timeouts
import Transport

/// What the server says to the client on its own initiative: notifications, log messages, and requests
/// (plan approval) whose replies it waits for.
extension Connection {
  // MARK: - Outbound

  /// Sends a notification whose params are already JSON.
  public func notify(method: String, params: JSONValue?) {
    channel.send(OutgoingMessage.notification(method: method, encodedParams: params.map(JSONWriter.bytes)))
  }

  /// Sends a typed notification.
  public func notify<Notification: RPCNotification>(_ type: Notification.Type, _ params: Notification.Params) {
    do {
      channel.send(OutgoingMessage.notification(method: type.name, encodedParams: try JSONCoding.encode(params)))
    } catch {
      logger.error("could not encode \(type.name): \(error)")
    }
  }

  /// Sends a typed notification about one of the client's requests; `params` must encode as an object,
  /// which goes out with `"requestId"` added: the request's id exactly as the client wrote it.
  public func notify<Notification: RPCNotification>(
    _ type: Notification.Type, _ params: Notification.Params, about id: RequestID
  ) {
    do {
      let encoded = try JSONCoding.encode(params)
      guard encoded.first == UInt8(ascii: "{") else {
        logger.error("\(type.name) params must be a JSON object")
        return
      }
      channel.send(OutgoingMessage.notification(method: type.name, about: id, encodedParams: encoded))
    } catch {
      logger.error("could not encode \(type.name): \(error)")
    }
  }

  /// `window/logMessage`: a message for the user, shown by editors.
  public func logMessage(_ type: MessageType, _ message: String) {
    notify(method: "window/logMessage", params: ["type": .int(type.rawValue), "message": .string(message)])
  }

  /// Sends a request to the client and waits for its reply. Ids are strings (`"s1"`, `"s2"`), apart
  /// from any id the client uses. Fails on timeout, on cancellation of the calling task (the client
  /// is then sent `$/cancelRequest`), and when the connection closes.
  public func sendRequest(method: String, params: JSONValue?, timeout: Duration? = nil) async throws -> JSONValue {
    let id = state.withLock { state -> RequestID in
      state.nextOutgoingID += 1
      return RequestID("s\(state.nextOutgoingID)")
    }
    guard let timeout else { return try await awaitReply(id: id, method: method, params: params) }
    // On expiry the request fails with its own error, and the wait below ends with it.
    return try await withTimeout(
      after: { try await Task.sleep(for: timeout) },
      onExpiry: .notifying { [self] in failOutgoing(id, ClientRequestError.timedOut(method: method)) }
    ) { [self] in
      try await awaitReply(id: id, method: method, params: params)
    }
  }

  /// Sends request `id` and waits for the client's reply; cancelling the wait tells the client.
  private func awaitReply(id: RequestID, method: String, params: JSONValue?) async throws -> JSONValue {
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
        let closed = state.withLock { state -> Bool in
          guard !state.closed else { return true }
          state.outgoing[id] = continuation
          return false
        }
        if closed {
          continuation.resume(throwing: ClientRequestError.connectionClosed)
          return
        }
        channel.send(OutgoingMessage.request(id: id, method: method, encodedParams: params.map(JSONWriter.bytes)))
        if Task.isCancelled { failOutgoing(id, CancellationError()) }
      }
    } onCancel: {
      if failOutgoing(id, CancellationError()) {
        notify(method: "$/cancelRequest", params: ["id": id.value])
      }
    }
  }

  /// Resumes a pending server-to-client request with an error; false if it was no longer pending.
  @discardableResult
  func failOutgoing(_ id: RequestID, _ error: any Error) -> Bool {
    guard let continuation = state.withLock({ $0.outgoing.removeValue(forKey: id) }) else { return false }
    continuation.resume(throwing: error)
    return true
  }
}
