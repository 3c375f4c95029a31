import Foundation
import JSON

/// A JSON-RPC error code. An open set: app codes are declared where they are used, outside -32768...-32000.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable {
  public var rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  public static let parseError = ErrorCode(rawValue: -32700)
  public static let invalidRequest = ErrorCode(rawValue: -32600)
  public static let methodNotFound = ErrorCode(rawValue: -32601)
  public static let invalidParams = ErrorCode(rawValue: -32602)
  public static let internalError = ErrorCode(rawValue: -32603)
  /// LSP: a request arrived before `initialize`.
  public static let serverNotInitialized = ErrorCode(rawValue: -32002)
  /// LSP: the request was cancelled by `$/cancelRequest` (or its MCP/ACP equivalents).
  public static let requestCancelled = ErrorCode(rawValue: -32800)
}

/// The one error type that goes on the wire.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
  public var code: ErrorCode
  public var message: String
  public var data: JSONValue?

  public init(_ code: ErrorCode, _ message: String, data: JSONValue? = nil) {
    self.code = code
    self.message = message
    self.data = data
  }

  public var description: String { "\(message) (\(code.rawValue))" }

  public static func invalidParams(_ message: String) -> RPCError { RPCError(.invalidParams, message) }
  public static func invalidRequest(_ message: String) -> RPCError { RPCError(.invalidRequest, message) }
  public static let cancelled = RPCError(.requestCancelled, "request cancelled")

  /// The one place Swift errors become wire errors.
  public init(_ error: any Error) {
    switch error {
    case let rpc as RPCError:
      self = rpc
    case is CancellationError:
      self = .cancelled
    case let convertible as any RPCErrorConvertible:
      self = convertible.rpcError
    default:
      self = RPCError(.internalError, "internal error: \(error)")
    }
  }

  var jsonValue: JSONValue {
    var members: [String: JSONValue] = ["code": .int(code.rawValue), "message": .string(message)]
    if let data { members["data"] = data }
    return .object(members)
  }

  /// "invalid params: field 'a.b': expected a string, got number" — names the offending field.
  public static func describe(_ error: DecodingError) -> String {
    "invalid params: \(DecodingErrorText.describe(error, subject: "params"))"
  }
}

/// Domain errors that know their wire form (e.g. "unknown run" -> an app code) conform to this.
public protocol RPCErrorConvertible: Error {
  var rpcError: RPCError { get }
}
