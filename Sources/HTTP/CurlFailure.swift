import CCurl

/// Maps a libcurl result code to the transport error the provider layer understands.
enum CurlFailure {
  /// Codes meaning the server was never (fully) reached: name resolution, connect, proxy, TLS.
  private static let unreachedCodes: Set<Int32> = [
    CCURLE_COULDNT_RESOLVE_PROXY, CCURLE_COULDNT_RESOLVE_HOST, CCURLE_COULDNT_CONNECT,
    // libcurl's own connect timeout (Baton's idle and total timeouts are enforced by the loop itself).
    CCURLE_OPERATION_TIMEDOUT,
    CCURLE_SSL_CONNECT_ERROR, CCURLE_SSL_CERTPROBLEM, CCURLE_SSL_CIPHER, CCURLE_PEER_FAILED_VERIFICATION,
    CCURLE_SSL_CACERT_BADFILE, CCURLE_SSL_CRL_BADFILE, CCURLE_SSL_ISSUER_ERROR,
    CCURLE_SSL_PINNEDPUBKEYNOTMATCH, CCURLE_SSL_INVALIDCERTSTATUS, CCURLE_PROXY, CCURLE_SSL_CLIENTCERT,
  ]

  /// Codes meaning the connection broke. Before a response head that is still "not reached"
  /// (for example a reused keep-alive connection the server had closed); after it, the body is cut.
  private static let brokenConnectionCodes: Set<Int32> = [
    CCURLE_GOT_NOTHING, CCURLE_SEND_ERROR, CCURLE_RECV_ERROR,
  ]

  /// The error for a failed transfer. `detail` is libcurl's error buffer, which names host and port.
  static func error(code: Int32, detail: String, receivedHead: Bool) -> HTTPError {
    let message = detail.isEmpty ? CurlLibrary.describe(easyCode: code) : detail
    if unreachedCodes.contains(code) || (!receivedHead && brokenConnectionCodes.contains(code)) {
      return .connectionFailed(message)
    }
    return .transferFailed(message)
  }
}
