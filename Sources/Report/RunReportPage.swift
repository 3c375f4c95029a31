import Foundation
import Orchestrator

/// Renders a run's journal as one self-contained HTML page: the run's header (task, status, times, tokens,
/// cost, models), a timeline of every step on a shared time axis, each step's prompt and output on click,
/// and the answer. The page loads nothing from anywhere and works offline.
///
/// Errors are `ReportPageError`s naming the file (and line). A journal cut short by a crash renders what it
/// holds, with a note saying so.
public enum RunReportPage {
  /// The journal of `runId` in `stateDirectory` (`<stateDirectory>/runs/<runId>.jsonl`). `runId` may also be
  /// `latest` or a prefix matching exactly one run.
  public static func journalPath(runId: String, stateDirectory: String) throws(ReportPageError) -> String {
    try JournalLocator.path(runId: runId, stateDirectory: stateDirectory)
  }

  /// The page of `runId`'s journal in `stateDirectory` (what `baton report <runId>` writes).
  public static func html(runId: String, stateDirectory: String) throws(ReportPageError) -> String {
    try html(forJournalAt: journalPath(runId: runId, stateDirectory: stateDirectory))
  }

  /// The page of the journal at `path`.
  public static func html(forJournalAt path: String) throws(ReportPageError) -> String {
    try html(journal: read(path), path: path)
  }

  /// The page of a journal's bytes; `path` names it in errors and in the page's footer.
  public static func html(journal: Data, path: String) throws(ReportPageError) -> String {
    let contents: JournalContents
    do {
      contents = try JournalContents.strict(journal, path: path)
    } catch {
      let kind: ReportPageError.Kind = error.kind == .corrupt ? .corrupt : .notAJournal
      throw ReportPageError(kind, path: error.path, line: error.line, error.problem)
    }
    return html(contents: contents, source: path)
  }

  /// The page of a journal already read, whose first record is the `run` record.
  static func html(contents: JournalContents, source: String? = nil) -> String {
    let fallbackId = source.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? ""
    let timeline = RunTimeline(contents: contents, fallbackRunId: fallbackId)
    return ReportPageHTML(timeline: timeline, source: source, recordCount: contents.records.count).render()
  }

  private static func read(_ path: String) throws(ReportPageError) -> Data {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let reason = String(cString: strerror(errno))
      if errno == ENOENT { throw ReportPageError(.notFound, path: path, "no such journal") }
      throw ReportPageError(.unreadable, path: path, "cannot open the journal: \(reason)")
    }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    var status = stat()
    if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
      throw ReportPageError(.unreadable, path: path, "is a directory, not a journal file")
    }
    do {
      return try handle.readToEnd() ?? Data()
    } catch {
      throw ReportPageError(.unreadable, path: path, "cannot read the journal: \(error.localizedDescription)")
    }
  }
}
