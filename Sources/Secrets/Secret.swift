/// An API key or token. Printing, interpolating, dumping or reflecting it never shows the value, so a
/// settings value can be logged without leaking the key; only `value` reads it, for the request header.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  public let value: String

  public init(_ value: String) {
    self.value = value
  }

  public var description: String { "<redacted>" }
  public var debugDescription: String { "<redacted>" }
  public var customMirror: Mirror { Mirror(self, children: [:]) }
}
