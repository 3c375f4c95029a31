/// One server-sent event, as dispatched by `SSEParser`.
public struct SSEEvent: Sendable, Equatable {
  /// The `event:` name, or nil when the event has none (the spec then calls it "message").
  public var event: String?
  /// The `data:` lines, joined with "\n".
  public var data: String
  /// The last event ID in force when this event was dispatched (the spec's "last event ID"
  /// persists across events), or nil when no `id:` field has been seen.
  public var id: String?

  public init(event: String? = nil, data: String, id: String? = nil) {
    self.event = event
    self.data = data
    self.id = id
  }
}
