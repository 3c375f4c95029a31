import Foundation

/// Why a run's journal could not be turned into a report page. The description names the file (and the line,
/// when one line is at fault), so a command line can print it as it is.
public struct ReportPageError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable {
    /// No journal for that run id (or the file is gone).
    case notFound
    /// The run id is not a plain id, or a prefix matches more than one run.
    case invalidRunId
    /// The file exists but cannot be read.
    case unreadable
    /// A line that is not the last is not a journal record (the last may be cut short by a crash).
    case corrupt
    /// The file has no `run` record to start from: empty, or not a run journal.
    case notAJournal
  }

  public var kind: Kind
  /// The journal file (or the directory searched, for `notFound` and `invalidRunId`).
  public var path: String
  /// The 1-based line at fault.
  public var line: Int?
  public var message: String

  public init(_ kind: Kind, path: String, line: Int? = nil, _ message: String) {
    self.kind = kind
    self.path = path
    self.line = line
    self.message = message
  }

  public var description: String {
    "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
  }
}
