/// A request method is a type: its wire name beside its parameter and result types.
/// Adding a method means declaring one of these and registering a handler for it on a `Router`.
public protocol RPCMethod: Sendable {
  associatedtype Params: Decodable & Sendable = NoParams
  associatedtype Result: Encodable & Sendable
  static var name: String { get }
}

/// A notification the server sends: a wire name and a parameter type.
public protocol RPCNotification: Sendable {
  associatedtype Params: Encodable & Sendable
  static var name: String { get }
}

/// Parameters of a method that takes none: accepts absent, null, `{}` or `[]`.
public struct NoParams: Decodable, Sendable, Equatable {
  public init() {}
  public init(from decoder: any Decoder) throws {}
}
