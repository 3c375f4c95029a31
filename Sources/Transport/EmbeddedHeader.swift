/// Finds an LSP `Content-Length: N` header line inside bytes that were declared to be a frame's body.
///
/// A declared length that is too long (or a header block with no body at all) swallows the next frame's
/// header; this is the landmark that lets the decoder find it again. Valid JSON never holds such a line:
/// the name can only appear inside a JSON string (outside strings JSON has no `C`), the line has no `"`
/// to close that string, and a string cannot hold the raw line break that ends the line.
enum EmbeddedHeader {
  enum Search: Equatable {
    /// A complete header line starts here.
    case found(Int)
    /// A header line may start here, but the bytes end before it can be judged: wait for more.
    case undecided(Int)
    /// No header line starts in the searched range.
    case none
  }

  /// The first header line starting in `bytes[from..<candidatesEnd]`; the line itself may run past
  /// `candidatesEnd`, up to the end of `bytes`.
  static func search(_ bytes: [UInt8], from: Int, candidatesEnd: Int) -> Search {
    var index = from
    while index < candidatesEnd {
      guard let candidate = bytes[index..<candidatesEnd].firstIndex(where: { $0 | 0x20 == UInt8(ascii: "c") }) else {
        return .none
      }
      switch match(bytes, at: candidate) {
      case .complete: return .found(candidate)
      // Nothing later can complete either: the partial line runs to the end of the bytes with no line break.
      case .incomplete: return .undecided(candidate)
      case .mismatch: index = candidate + 1
      }
    }
    return .none
  }

  private enum LineMatch {
    case complete, incomplete, mismatch
  }

  private static let name = Array("content-length:".utf8)
  /// Real headers put one space after the colon; a long run of blanks is not a header.
  private static let maxBlanks = 16
  /// More digits than an `Int` holds is not a length.
  private static let maxDigits = 19

  /// Whether `content-length:` (any case), optional blanks, digits, optional blanks and `\r\n` or `\n`
  /// start at `offset`.
  private static func match(_ bytes: [UInt8], at offset: Int) -> LineMatch {
    var index = offset
    for wanted in name {
      guard index < bytes.count else { return .incomplete }
      var byte = bytes[index]
      if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
      guard byte == wanted else { return .mismatch }
      index += 1
    }
    guard skipBlanks(bytes, &index) else { return .mismatch }
    let digitsStart = index
    while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
      index += 1
      if index - digitsStart > maxDigits { return .mismatch }
    }
    guard index < bytes.count else { return .incomplete }
    guard index > digitsStart, skipBlanks(bytes, &index) else { return .mismatch }
    guard index < bytes.count else { return .incomplete }
    switch bytes[index] {
    case 0x0A:
      return .complete
    case 0x0D:
      guard index + 1 < bytes.count else { return .incomplete }
      return bytes[index + 1] == 0x0A ? .complete : .mismatch
    default:
      return .mismatch
    }
  }

  /// Steps over spaces and tabs; false when there are too many to be a header.
  private static func skipBlanks(_ bytes: [UInt8], _ index: inout Int) -> Bool {
    let blanksStart = index
    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 {
      index += 1
      if index - blanksStart > maxBlanks { return false }
    }
    return true
  }
}
