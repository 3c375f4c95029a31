import JSON

/// A JSON-RPC message from the peer, classified once by which members it has.
public enum IncomingMessage: Sendable, Equatable {
  case request(id: RequestID, method: String, params: JSONValue?)
  case notification(method: String, params: JSONValue?)
  /// A reply to one of our server-to-client requests. A reply with neither `result` nor `error` counts as `result: null`.
  case response(id: RequestID, outcome: Result<JSONValue, RPCError>)

  /// Classifies one JSON value, or says why it is not a valid message (with the id when one could be read).
  /// `idText` is the id's JSON text as sent (from `JSONParser.parseMessage`), echoed in the reply.
  public static func classify(_ value: JSONValue, idText: [UInt8]? = nil) -> Result<IncomingMessage, InvalidMessage> {
    guard case .object(let members) = value else {
      return .failure(InvalidMessage(id: .null, error: .invalidRequest("a message must be a JSON object")))
    }
    let rawID = members["id"]
    let id = rawID.flatMap { RequestID.validated($0, text: idText) }
    guard members["jsonrpc"] == .string("2.0") else {
      return .failure(InvalidMessage(id: id ?? .null, error: .invalidRequest("\"jsonrpc\" must be \"2.0\"")))
    }
    if let method = members["method"] {
      guard case .string(let name) = method else {
        return .failure(InvalidMessage(id: id ?? .null, error: .invalidRequest("\"method\" must be a string")))
      }
      let params = members["params"]
      switch params {
      case nil, .null?, .object?, .array?: break
      default:
        return .failure(
          InvalidMessage(id: id ?? .null, error: .invalidRequest("\"params\" must be an object or an array")))
      }
      guard rawID != nil else { return .success(.notification(method: name, params: params)) }
      guard let id else {
        return .failure(InvalidMessage(id: .null, error: .invalidRequest("\"id\" must be a string, number or null")))
      }
      return .success(.request(id: id, method: name, params: params))
    }
    if let id, members["result"] != nil || members["error"] != nil || rawID != nil {
      if let error = members["error"] {
        let code = error["code"]?.intValue ?? ErrorCode.internalError.rawValue
        let message = error["message"]?.stringValue ?? "error without a message"
        return .success(.response(id: id, outcome: .failure(RPCError(ErrorCode(rawValue: code), message, data: error["data"]))))
      }
      return .success(.response(id: id, outcome: .success(members["result"] ?? .null)))
    }
    return .failure(InvalidMessage(id: id ?? .null, error: .invalidRequest("a message needs \"method\", \"result\" or \"error\"")))
  }
}

/// A message that could not be classified, and the error to answer it with.
public struct InvalidMessage: Error, Sendable, Equatable {
  public var id: RequestID
  public var error: RPCError
}

/// Builds outgoing messages as bytes. The `result` of a reply is spliced in already encoded, so typed
/// results are encoded once.
public enum OutgoingMessage {
  public static func response(id: RequestID, encodedResult: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    bytes.reserveCapacity(bytes.count + encodedResult.count + 16)
    id.write(into: &bytes)
    bytes.append(contentsOf: #","result":"#.utf8)
    bytes.append(contentsOf: encodedResult)
    bytes.append(UInt8(ascii: "}"))
    return bytes
  }

  public static func errorResponse(id: RequestID, error: RPCError) -> [UInt8] {
    var bytes: [UInt8] = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    id.write(into: &bytes)
    bytes.append(contentsOf: #","error":"#.utf8)
    JSONWriter.write(error.jsonValue, into: &bytes)
    bytes.append(UInt8(ascii: "}"))
    return bytes
  }

  public static func notification(method: String, encodedParams: [UInt8]?) -> [UInt8] {
    var bytes: [UInt8] = Array(#"{"jsonrpc":"2.0","method":"#.utf8)
    JSONWriter.writeString(method, into: &bytes)
    if let encodedParams {
      bytes.append(contentsOf: #","params":"#.utf8)
      bytes.append(contentsOf: encodedParams)
    }
    bytes.append(UInt8(ascii: "}"))
    return bytes
  }

  /// A notification about one of the peer's requests: `"requestId"` (the request's id exactly as the peer
  /// wrote it) is spliced in as the first member of the already encoded params object.
  public static func notification(method: String, about id: RequestID, encodedParams: [UInt8]) -> [UInt8] {
    var params: [UInt8] = Array(#"{"requestId":"#.utf8)
    params.reserveCapacity(params.count + encodedParams.count + 16)
    id.write(into: &params)
    let members = encodedParams.dropFirst()  // past the object's "{"
    if members.first != UInt8(ascii: "}") { params.append(UInt8(ascii: ",")) }
    params.append(contentsOf: members)
    return notification(method: method, encodedParams: params)
  }

  public static func request(id: RequestID, method: String, encodedParams: [UInt8]?) -> [UInt8] {
    var bytes: [UInt8] = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    id.write(into: &bytes)
    bytes.append(contentsOf: #","method":"#.utf8)
    JSONWriter.writeString(method, into: &bytes)
    if let encodedParams {
      bytes.append(contentsOf: #","params":"#.utf8)
      bytes.append(contentsOf: encodedParams)
    }
    bytes.append(UInt8(ascii: "}"))
    return bytes
  }
}
