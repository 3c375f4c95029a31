import Foundation

/// One Server-Sent Event: the `event` name (nil when the server sent none), the joined `data` lines,
/// and the last event id seen on the stream.
public struct SSEEvent: Sendable, Equatable {
  public var event: String?
  public var data: String
  public var id: String?

  public init(event: String? = nil, data: String, id: String? = nil) {
    self.event = event
    self.data = data
    self.id = id
  }
}

/// An incremental `text/event-stream` parser (WHATWG HTML, "event stream interpretation").
/// Bytes arrive in arbitrary chunks; lines end in LF, CRLF or CR (a CR at the end of a chunk may be
/// followed by the LF of a CRLF in the next). Lines are decoded only once complete, so multi-byte
/// UTF-8 characters split across chunks survive.
public struct SSEParser: Sendable {
  private var buffer: [UInt8] = []
  /// The previous chunk ended with CR: an LF at the start of the next chunk belongs to that line ending.
  private var pendingCarriageReturn = false
  private var sawFirstLine = false
  private var eventName: String?
  private var dataLines: [String] = []
  private var hasData = false
  private var lastEventId: String?

  public init() {}

  /// Consumes bytes and returns the events completed by them, in order.
  public mutating func feed(_ bytes: Data) -> [SSEEvent] {
    var events: [SSEEvent] = []
    var lineStart = buffer.count
    buffer.append(contentsOf: bytes)
    // Scan only the new bytes; earlier ones held no line terminator.
    var index = lineStart
    lineStart = 0
    while index < buffer.count {
      let byte = buffer[index]
      if pendingCarriageReturn {
        pendingCarriageReturn = false
        if byte == 0x0A && index == lineStart {
          index += 1
          lineStart = index
          continue
        }
      }
      if byte == 0x0A || byte == 0x0D {
        processLine(buffer[lineStart..<index], into: &events)
        if byte == 0x0D {
          if index + 1 < buffer.count {
            if buffer[index + 1] == 0x0A { index += 1 }
          } else {
            pendingCarriageReturn = true
          }
        }
        index += 1
        lineStart = index
      } else {
        index += 1
      }
    }
    buffer.removeFirst(lineStart)
    return events
  }

  /// Ends the stream. A trailing line without terminator is processed, and a pending event with data is
  /// dispatched, which is more lenient than the specification (it discards it) because some servers omit
  /// the final blank line.
  public mutating func finish() -> [SSEEvent] {
    var events: [SSEEvent] = []
    if !buffer.isEmpty {
      processLine(buffer[...], into: &events)
      buffer.removeAll()
    }
    dispatch(into: &events)
    pendingCarriageReturn = false
    return events
  }

  private mutating func processLine(_ bytes: ArraySlice<UInt8>, into events: inout [SSEEvent]) {
    var line = String(decoding: bytes, as: UTF8.self)
    if !sawFirstLine {
      sawFirstLine = true
      if line.hasPrefix("\u{FEFF}") { line.removeFirst() }
    }
    if line.isEmpty {
      dispatch(into: &events)
      return
    }
    if line.hasPrefix(":") { return }
    let field: Substring
    var value: Substring
    if let colon = line.firstIndex(of: ":") {
      field = line[..<colon]
      value = line[line.index(after: colon)...]
      if value.hasPrefix(" ") { value = value.dropFirst() }
    } else {
      field = line[...]
      value = ""
    }
    switch field {
    case "data":
      dataLines.append(String(value))
      hasData = true
    case "event":
      eventName = String(value)
    case "id":
      if !value.contains("\0") { lastEventId = String(value) }
    default:
      break  // "retry" and unknown fields are ignored.
    }
  }

  private mutating func dispatch(into events: inout [SSEEvent]) {
    defer {
      dataLines.removeAll()
      hasData = false
      eventName = nil
    }
    guard hasData else { return }
    let name = eventName.flatMap { $0.isEmpty ? nil : $0 }
    events.append(SSEEvent(event: name, data: dataLines.joined(separator: "\n"), id: lastEventId))
  }
}
