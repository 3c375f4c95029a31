import Foundation
import CCurl

/// Typed, throwing `curl_easy_setopt` calls for one easy handle.
struct CurlEasyOptions {
  let easy: OpaquePointer

  func set(_ option: Int32, _ value: Int) throws(HTTPError) {
    try check(option, ccurl_easy_setopt_long(easy, option, value))
  }

  /// For string options, which libcurl copies, so the Swift string may go away afterwards.
  func set(_ option: Int32, string: String) throws(HTTPError) {
    try check(option, string.withCString { ccurl_easy_setopt_ptr(easy, option, $0) })
  }

  func set(_ option: Int32, pointer: UnsafeMutableRawPointer?) throws(HTTPError) {
    try check(option, ccurl_easy_setopt_ptr(easy, option, pointer))
  }

  func set(_ option: Int32, pointer: UnsafeMutablePointer<CChar>) throws(HTTPError) {
    try set(option, pointer: UnsafeMutableRawPointer(pointer))
  }

  func set(_ option: Int32, offset: Int64) throws(HTTPError) {
    try check(option, ccurl_easy_setopt_off_t(easy, option, offset))
  }

  func set(_ option: Int32, callback: ccurl_data_callback) throws(HTTPError) {
    try check(option, ccurl_easy_setopt_callback(easy, option, callback))
  }

  /// For CURLOPT_COPYPOSTFIELDS, which copies the bytes (its size option must be set first).
  func set(_ option: Int32, bytes: Data) throws(HTTPError) {
    // An empty Data may have no base address; libcurl still needs a valid pointer, or it
    // would fall back to reading the body from stdin.
    let validPointerForEmptyBody: [UInt8] = [0]
    let code = bytes.withUnsafeBytes { buffer in
      if let base = buffer.baseAddress { return ccurl_easy_setopt_ptr(easy, option, base) }
      return validPointerForEmptyBody.withUnsafeBytes { ccurl_easy_setopt_ptr(easy, option, $0.baseAddress) }
    }
    try check(option, code)
  }

  /// Sets CURLOPT_HTTPHEADER and returns the list, which the caller must keep alive and free.
  /// Adds an empty `Expect:` so libcurl never waits for `100 Continue` before sending a body.
  func setHeaders(_ headers: HTTPHeaders) throws(HTTPError) -> OpaquePointer? {
    var lines = headers.map { field in
      // "Name;" is libcurl's spelling for a header with an empty value ("Name:" would remove it).
      field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
    }
    if headers["Expect"] == nil { lines.append("Expect:") }
    var list: OpaquePointer?
    for line in lines {
      guard let extended = ccurl_slist_append(list, line) else {
        ccurl_slist_free_all(list)
        throw .transferFailed("out of memory building request headers")
      }
      list = extended
    }
    do {
      try set(CCURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(list))
    } catch {
      ccurl_slist_free_all(list)
      throw error
    }
    return list
  }

  private func check(_ option: Int32, _ code: Int32) throws(HTTPError) {
    guard code != CCURLE_OK else { return }
    throw .transferFailed("libcurl rejected option \(option): \(CurlLibrary.describe(easyCode: code))")
  }
}
