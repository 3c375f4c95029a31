import Foundation
import Orchestrator

/// Finds a run's journal in a state directory: `<stateDirectory>/runs/<runId>.jsonl`.
///
/// Besides an exact run id it takes `latest` (the run that started last) and a unique prefix of a run id
/// (`run-20260101T1200`), so a person can type what `ls` shows without the random tail.
enum JournalLocator {
  static func path(runId: String, stateDirectory: String) throws(ReportPageError) -> String {
    let reader = JournalReader(stateDirectory: stateDirectory)
    var id = runId.trimmingCharacters(in: .whitespaces)
    if id.hasSuffix(".jsonl") { id.removeLast(".jsonl".count) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: reader.directory, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      throw ReportPageError(
        .notFound, path: reader.directory, "no runs directory here, so no journal for \(quoted(runId)) (is the state directory right?)")
    }
    if id == "latest" {
      guard let newest = reader.summaries().first else {
        throw ReportPageError(.notFound, path: reader.directory, "no run journals here")
      }
      return reader.path(of: newest.runId)
    }
    guard Identifiers.isSafe(id) else {
      throw ReportPageError(
        .invalidRunId, path: reader.directory,
        "\(quoted(runId)) is not a run id (letters, digits, - and _ only, at most 128)")
    }
    let exact = reader.path(of: id)
    if FileManager.default.fileExists(atPath: exact) { return exact }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: reader.directory)) ?? []
    let matches = names.filter { $0.hasSuffix(".jsonl") && $0.hasPrefix(id) }.map { String($0.dropLast(".jsonl".count)) }
      .sorted()
    switch matches.count {
    case 0:
      throw ReportPageError(.notFound, path: reader.directory, "no journal for run \(quoted(runId))")
    case 1:
      return reader.path(of: matches[0])
    default:
      let shown = matches.prefix(5).joined(separator: ", ") + (matches.count > 5 ? ", …" : "")
      throw ReportPageError(
        .invalidRunId, path: reader.directory, "\(quoted(runId)) matches \(matches.count) runs: \(shown)")
    }
  }

  private static func quoted(_ text: String) -> String { "\"\(text)\"" }
}
