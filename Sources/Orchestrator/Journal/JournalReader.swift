import Foundation
import LLM

/// Reads run journals written by this or an earlier process.
package struct JournalReader: Sendable {
  package let directory: String

  package init(stateDirectory: String) {
    directory = (stateDirectory as NSString).expandingTildeInPath + "/runs"
  }

  package func path(of runId: String) -> String { "\(directory)/\(runId).jsonl" }

  /// The report of `runId`: the journal's final report, or one rebuilt from its steps when the process that
  /// wrote it stopped before the run ended (status `interrupted`). Nil when there is no such journal.
  /// A line cut short by a crash is the last one; what came before still tells the story.
  func report(runId: String) throws -> RunReport? {
    guard Identifiers.isSafe(runId), let data = FileManager.default.contents(atPath: path(of: runId)) else {
      return nil
    }
    let contents = JournalContents.lenient(data)
    return contents.report ?? contents.interruptedReport(runId: runId)
  }

  /// One summary per journal on disk, newest first.
  package func summaries() -> [RunSummary] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
    var summaries: [RunSummary] = []
    for name in names where name.hasSuffix(".jsonl") {
      let runId = String(name.dropLast(".jsonl".count))
      guard Identifiers.isSafe(runId), let summary = summary(runId: runId) else { continue }
      summaries.append(summary)
    }
    return summaries.sorted { $0.startedAt > $1.startedAt }
  }

  /// Reads the first line (the request) and the last (the `end` record), not what lies between: a summary
  /// needs only those, and a long journal's middle is most of its bytes.
  func summary(runId: String) -> RunSummary? {
    guard let handle = FileHandle(forReadingAtPath: path(of: runId)) else { return nil }
    defer { try? handle.close() }
    var head = Data()
    while !head.contains(0x0a), let chunk = try? handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
      head.append(chunk)
      if head.count > 16 * 1024 * 1024 { return nil }
    }
    guard let firstLine = head.split(separator: 0x0a).first,
      let first = try? JournalContents.record(line: firstLine), first.kind == .run
    else { return nil }
    var records = [first]
    if let size = try? handle.seekToEnd() {
      let tailLength = min(size, 4096)
      try? handle.seek(toOffset: size - tailLength)
      if let tail = try? handle.readToEnd(), let lastLine = tail.split(separator: 0x0a).last,
        let last = try? JournalContents.record(line: lastLine), last.kind == .end
      {
        records.append(last)
      }
    }
    return JournalContents(records: records).summary(runId: runId)
  }

  static func timestamp(_ secondsSince1970: Double) -> String {
    Date(timeIntervalSince1970: secondsSince1970).formatted(.iso8601)
  }
}
