extension CurlHTTPClient {
  /// Settings fixed for the life of a client.
  public struct Configuration: Sendable, Equatable {
    /// A PEM file of CA certificates to trust, for example a company proxy's. It replaces
    /// libcurl's default bundle file; where libcurl is built with a CA directory (Debian and
    /// Ubuntu: /etc/ssl/certs) the system store stays trusted too. When nil, `SSL_CERT_FILE` or
    /// else `CURL_CA_BUNDLE` is used if set, as curl and OpenSSL users expect.
    public var caFile: String?

    public init(caFile: String? = nil) {
      self.caFile = caFile
    }

    /// The CA file named by the environment, if any (libcurl itself ignores these variables).
    public static func caFile(fromEnvironment environment: [String: String]) -> String? {
      for name in ["SSL_CERT_FILE", "CURL_CA_BUNDLE"] {
        if let path = environment[name], !path.isEmpty { return path }
      }
      return nil
    }
  }
}
