import Foundation
import JSON

/// Journal bytes to `JournalContents`, one line at a time.
///
/// The journal is written one `write(2)` per line, so a process killed mid-write leaves a last line without
/// its newline. Both readings set that line aside and keep what came before. They differ on a bad line
/// anywhere else: `runs/get` still wants what the rest of the file tells (lenient), while `baton report`
/// says the file is not what the engine wrote, naming the line (strict).
extension JournalContents {
  /// Skips every line that is not a record; nothing here fails (`header` is nil when there was none).
  package static func lenient(_ data: Data) -> JournalContents {
    var records: [JournalRecord] = []
    var skipped: [Int] = []
    for line in lines(of: data) {
      if let record = try? record(line: line.bytes) {
        records.append(record)
      } else {
        skipped.append(line.number)
      }
    }
    return JournalContents(records: records, skippedLines: skipped)
  }

  /// Sets aside only a last line cut short; any other bad line, and a file that does not start with the
  /// `run` record, is an error naming `path` and the line.
  package static func strict(_ data: Data, path: String) throws(JournalReadError) -> JournalContents {
    var records: [JournalRecord] = []
    var truncatedLine: Int?
    for line in lines(of: data) {
      do {
        records.append(try record(line: line.bytes))
      } catch {
        guard line.isCutShort else {
          throw JournalReadError(
            .corrupt, path: path, line: line.number, "not a journal record: \(JournalReadError.describe(error))")
        }
        truncatedLine = line.number
      }
    }
    guard let first = records.first else {
      let problem =
        truncatedLine == nil
        ? "the file is empty, not a run journal"
        : "the journal's only line is cut short (the process writing it stopped): nothing to report"
      throw JournalReadError(.notAJournal, path: path, line: truncatedLine, problem)
    }
    guard first.kind == .run else {
      throw JournalReadError(
        .notAJournal, path: path, line: 1,
        "a run journal starts with a \"run\" record, this one with \"\(first.kind.rawValue)\"")
    }
    return JournalContents(records: records, skippedLines: truncatedLine.map { [$0] } ?? [])
  }

  /// One journal line decoded: parsed by `JSONParser`, then decoded from the `JSONValue`.
  /// Throws the `JSONParseError` or `DecodingError`.
  package static func record(line: Data) throws -> JournalRecord {
    try JSONValueDecoder().decode(JournalRecord.self, from: JSONParser.parse(line))
  }

  private struct Line {
    /// 1-based.
    var number: Int
    var bytes: Data
    /// The last line, without its newline: what a write cut short by a crash leaves.
    var isCutShort: Bool
  }

  /// The lines that hold something; blank ones (only spaces, tabs, `\r`) are left out.
  private static func lines(of data: Data) -> [Line] {
    let pieces = data.split(separator: 0x0a, omittingEmptySubsequences: false)
    let endsWithNewline = data.last == 0x0a
    var lines: [Line] = []
    for (index, piece) in pieces.enumerated() where !piece.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) {
      lines.append(Line(number: index + 1, bytes: piece, isCutShort: index == pieces.count - 1 && !endsWithNewline))
    }
    return lines
  }
}
