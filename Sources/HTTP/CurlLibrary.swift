import CCurl

/// Whether libcurl could be loaded. Loading happens once per process, at first use.
enum CurlLibrary {
  /// The outcome of the one `dlopen`, kept so every later request fails the same clear way.
  private static let loadResult: Result<Void, HTTPError> = {
    if let message = ccurl_load() {
      return .failure(.transferFailed("libcurl is unavailable: \(String(cString: message))"))
    }
    return .success(())
  }()

  /// Throws `HTTPError.transferFailed` saying why when libcurl cannot be used.
  static func ensureLoaded() throws(HTTPError) {
    try loadResult.get()
  }

  /// libcurl's text for an easy-interface result code.
  static func describe(easyCode code: Int32) -> String {
    String(cString: ccurl_easy_strerror(code))
  }

  /// libcurl's text for a multi-interface result code.
  static func describe(multiCode code: Int32) -> String {
    String(cString: ccurl_multi_strerror(code))
  }
}
