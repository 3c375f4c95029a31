/// Rejects requests libcurl would send malformed: a CR or LF in a header could smuggle a second
/// request onto the connection, and libcurl passes method and header text through unchecked.
enum HTTPRequestValidation {
  static func validate(_ request: HTTPRequest) throws(HTTPError) {
    guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
      throw .transferFailed("unsupported URL (only http and https): \(request.url.absoluteString)")
    }
    guard isToken(request.method) else {
      throw .transferFailed("invalid HTTP method: \(request.method.debugDescription)")
    }
    for field in request.headers {
      guard isToken(field.name) else {
        throw .transferFailed("invalid header name: \(field.name.debugDescription)")
      }
      guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
        throw .transferFailed("header \(field.name) contains a line break or NUL")
      }
    }
  }

  /// RFC 9110 `token`: the characters allowed in methods and header names.
  private static func isToken(_ text: String) -> Bool {
    !text.isEmpty
      && text.utf8.allSatisfy { byte in
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
          UInt8(ascii: "0")...UInt8(ascii: "9"):
          return true
        default:
          return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
      }
  }
}
