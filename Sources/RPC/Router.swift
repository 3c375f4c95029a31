import JSON

/// The method registry: built before the connection runs, immutable after.
/// Each handler decodes its typed params once; unknown methods never reach it.
public struct Router: Sendable {
  /// A type-erased handler: raw params in, encoded result out.
  public typealias Handler = @Sendable (JSONValue?, RequestContext) async throws -> [UInt8]

  private var handlers: [String: Handler] = [:]

  public init() {}

  /// Registers `body` as the handler of `method`. Params that do not decode give -32602 naming the field.
  public mutating func register<Method: RPCMethod>(
    _ method: Method.Type, _ body: @escaping @Sendable (Method.Params, RequestContext) async throws -> Method.Result
  ) {
    precondition(handlers[Method.name] == nil, "method \(Method.name) registered twice")
    handlers[Method.name] = { rawParams, context in
      let params: Method.Params
      do {
        params = try JSONCoding.decode(Method.Params.self, from: rawParams)
      } catch let error as DecodingError {
        throw RPCError.invalidParams(RPCError.describe(error))
      }
      return try JSONCoding.encode(try await body(params, context))
    }
  }

  public func handler(for method: String) -> Handler? { handlers[method] }

  /// Registered method names, sorted, for `initialize` capabilities.
  public var methodNames: [String] { handlers.keys.sorted() }
}
