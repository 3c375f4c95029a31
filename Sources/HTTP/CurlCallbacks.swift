import CCurl

/// The C callbacks libcurl calls from inside `curl_multi_socket_action` on the loop thread.
/// Their userdata is an unretained `CurlTransfer` (see `CurlTransfer.makeEasyHandle`).
enum CurlCallbacks {
  /// CURLOPT_WRITEFUNCTION: a chunk of response body. Returning less than the size aborts the transfer.
  static let body: ccurl_data_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
  }

  /// CURLOPT_HEADERFUNCTION: one complete header line, status line and final blank line included.
  static let header: ccurl_data_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
  }
}
