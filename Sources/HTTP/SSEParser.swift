import Foundation

/// An incremental `text/event-stream` parser following the HTML spec's "interpreting an event stream".
///
/// Feed it body chunks exactly as they arrive: a chunk may end anywhere, including between the CR
/// and LF of a line ending or inside a multi-byte UTF-8 character. Lines end with LF, CRLF or CR;
/// CR and LF never occur inside a UTF-8 sequence, so lines are split as bytes and decoded whole.
public struct SSEParser: Sendable {
  /// Bytes of the line not yet terminated.
  private var line: [UInt8] = []
  /// A CR ended the previous line, so an LF right after it belongs to the same line ending.
  private var swallowNextLineFeed = false
  /// Whether the stream's start (and a possible byte order mark there) is still ahead.
  private var atStreamStart = true
  private var eventName = ""
  private var data = ""
  private var lastEventID: String?

  public init() {}

  /// Parses `bytes` and returns the events they completed.
  public mutating func feed(_ bytes: Data) -> [SSEEvent] {
    var events: [SSEEvent] = []
    bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      var segmentStart = 0
      for index in buffer.indices {
        let byte = buffer[index]
        if swallowNextLineFeed {
          swallowNextLineFeed = false
          if byte == UInt8(ascii: "\n") {
            segmentStart = index + 1
            continue
          }
        }
        guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else { continue }
        line.append(contentsOf: buffer[segmentStart..<index])
        segmentStart = index + 1
        swallowNextLineFeed = byte == UInt8(ascii: "\r")
        if let event = processLine() { events.append(event) }
        line.removeAll(keepingCapacity: true)
      }
      line.append(contentsOf: buffer[segmentStart...])
    }
    return events
  }

  /// Ends the stream. Per the spec, an event not closed by a blank line is discarded rather than
  /// dispatched, so this returns no events; it resets the parser for a new stream.
  public mutating func finish() -> [SSEEvent] {
    self = SSEParser()
    return []
  }

  /// Interprets the completed line in `line`; returns an event when it was the blank line ending one.
  private mutating func processLine() -> SSEEvent? {
    if atStreamStart {
      atStreamStart = false
      if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
    }
    if line.isEmpty { return dispatch() }
    if line[0] == UInt8(ascii: ":") { return nil }  // A comment, often a keep-alive.

    let field: String
    var value: ArraySlice<UInt8> = []
    if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
      field = String(decoding: line[..<colon], as: UTF8.self)
      value = line[(colon + 1)...]
      if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
    } else {
      field = String(decoding: line, as: UTF8.self)
    }
    apply(field: field, value: String(decoding: value, as: UTF8.self))
    return nil
  }

  private mutating func apply(field: String, value: String) {
    switch field {
    case "event":
      eventName = value
    case "data":
      data += value
      data += "\n"
    case "id":
      if !value.contains("\0") { lastEventID = value }
    default:
      break  // "retry" (reconnection delay) and unknown fields do not concern a single request.
    }
  }

  private mutating func dispatch() -> SSEEvent? {
    defer {
      data = ""
      eventName = ""
    }
    guard !data.isEmpty else { return nil }
    return SSEEvent(event: eventName.isEmpty ? nil : eventName, data: String(data.dropLast()), id: lastEventID)
  }
}
