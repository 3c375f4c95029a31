import Foundation
import Orchestrator

/// A journal file decoded for the report: its records, and what was wrong with its end, if anything.
///
/// The journal is written one `write(2)` per line, so a process killed mid-write leaves a last line without
/// its newline: that line is set aside (and mentioned on the page), everything before it still renders.
/// A bad line anywhere else means the file is not what the engine wrote, and is an error naming the line.
struct JournalLines {
  var records: [JournalRecord]
  /// The 1-based number of a last line cut short, when there is one.
  var truncatedLine: Int?

  static func decode(_ data: Data, path: String) throws(ReportPageError) -> JournalLines {
    let decoder = JSONDecoder()
    var records: [JournalRecord] = []
    var truncatedLine: Int?
    let lines = data.split(separator: 0x0a, omittingEmptySubsequences: false)
    let endsWithNewline = data.last == 0x0a
    for (index, line) in lines.enumerated() {
      let number = index + 1
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
      do {
        records.append(try decoder.decode(JournalRecord.self, from: Data(line)))
      } catch {
        if index == lines.count - 1 && !endsWithNewline {
          truncatedLine = number
          continue
        }
        throw ReportPageError(.corrupt, path: path, line: number, "not a journal record: \(describe(error))")
      }
    }
    guard let first = records.first else {
      let message =
        truncatedLine == nil
        ? "the file is empty, not a run journal"
        : "the journal's only line is cut short (the process writing it stopped): nothing to report"
      throw ReportPageError(.notAJournal, path: path, line: truncatedLine, message)
    }
    guard first.kind == .run else {
      throw ReportPageError(
        .notAJournal, path: path, line: 1,
        "a run journal starts with a \"run\" record, this one with \"\(first.kind.rawValue)\"")
    }
    return JournalLines(records: records, truncatedLine: truncatedLine)
  }

  /// A short reason for a decoding failure: which field, and what was wrong with it.
  static func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func at(_ path: [any CodingKey]) -> String {
      let names = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return names.isEmpty ? "" : " at \(names.hasPrefix(".") ? String(names.dropFirst()) : names)"
    }
    switch error {
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty { return "not valid JSON" }
      return "\(context.debugDescription)\(at(context.codingPath))"
    case .keyNotFound(let key, let context):
      return "\"\(key.stringValue)\" is missing\(at(context.codingPath))"
    case .typeMismatch(let type, let context):
      return "expected \(type)\(at(context.codingPath))"
    case .valueNotFound(let type, let context):
      return "expected \(type), found null\(at(context.codingPath))"
    @unknown default:
      return "\(error)"
    }
  }
}
