import Synchronization
import JSON

/// Progress of one request, sent in whichever form the client asked for: LSP `$/progress`
/// (begin/report/end) when the request carried `workDoneToken`, MCP `notifications/progress` when it
/// carried `_meta.progressToken`, both when both, nothing when neither. Handlers call it freely.
public final class ProgressReporter: Sendable {
  public let workDoneToken: JSONValue?
  public let progressToken: JSONValue?
  private let send: @Sendable ([UInt8]) -> Void
  private let state = Mutex(State())

  private struct State {
    var begun = false
    var ended = false
    var lastPercentage: Double = -1
  }

  public init(workDoneToken: JSONValue?, progressToken: JSONValue?, send: @escaping @Sendable ([UInt8]) -> Void) {
    self.workDoneToken = workDoneToken
    self.progressToken = progressToken
    self.send = send
  }

  /// Reads the tokens from a request's params.
  public convenience init(params: JSONValue?, send: @escaping @Sendable ([UInt8]) -> Void) {
    self.init(
      workDoneToken: Self.token(params?["workDoneToken"]),
      progressToken: Self.token(params?["_meta"]?["progressToken"]), send: send)
  }

  /// A reporter that sends nothing.
  public static let silent = ProgressReporter(workDoneToken: nil, progressToken: nil, send: { _ in })

  public var isActive: Bool { workDoneToken != nil || progressToken != nil }

  private static func token(_ value: JSONValue?) -> JSONValue? {
    switch value {
    case .string?, .int?: return value
    default: return nil
    }
  }

  /// Sent by the connection when the request starts.
  public func begin(title: String, cancellable: Bool = true) {
    guard let workDoneToken else { return }
    let shouldSend = state.withLock { state -> Bool in
      guard !state.begun else { return false }
      state.begun = true
      return true
    }
    guard shouldSend else { return }
    sendLSP(workDoneToken, ["kind": "begin", "title": .string(title), "cancellable": .bool(cancellable), "percentage": 0])
  }

  /// Reports how far the work has got. `percentage` is 0...100; MCP progress only ever increases.
  public func report(message: String? = nil, percentage: Double? = nil) {
    let clamped = percentage.map { min(100, max(0, $0)) }
    let (lsp, mcp) = state.withLock { state -> (Bool, Bool) in
      guard state.begun || workDoneToken == nil, !state.ended else { return (false, false) }
      var mcp = false
      if let clamped, clamped > state.lastPercentage {
        state.lastPercentage = clamped
        mcp = true
      }
      return (true, mcp)
    }
    if lsp, let workDoneToken {
      var value: [String: JSONValue] = ["kind": "report"]
      if let message { value["message"] = .string(message) }
      if let clamped { value["percentage"] = .int(Int(clamped.rounded(.down))) }
      sendLSP(workDoneToken, value)
    }
    if mcp, let progressToken, let clamped {
      var params: [String: JSONValue] = ["progressToken": progressToken, "progress": .double(clamped), "total": 100]
      if let message { params["message"] = .string(message) }
      send(OutgoingMessage.notification(method: "notifications/progress", encodedParams: JSONWriter.bytes(.object(params))))
    }
  }

  /// Sent by the connection before the reply.
  public func end(message: String? = nil) {
    guard let workDoneToken else { return }
    let shouldSend = state.withLock { state -> Bool in
      guard state.begun, !state.ended else { return false }
      state.ended = true
      return true
    }
    guard shouldSend else { return }
    var value: [String: JSONValue] = ["kind": "end"]
    if let message { value["message"] = .string(message) }
    sendLSP(workDoneToken, value)
  }

  private func sendLSP(_ token: JSONValue, _ value: [String: JSONValue]) {
    let params: JSONValue = ["token": token, "value": .object(value)]
    send(OutgoingMessage.notification(method: "$/progress", encodedParams: JSONWriter.bytes(params)))
  }
}
