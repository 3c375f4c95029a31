import JSON

/// Why a journal read strictly is not one the engine wrote: `file:line: problem`, ready to print.
package struct JournalReadError: Error, Sendable, Equatable, CustomStringConvertible {
  package enum Kind: Sendable {
    /// A line that is not the last is not a journal record (the last may be cut short by a crash).
    case corrupt
    /// No `run` record to start from: empty, or not a run journal.
    case notAJournal
  }

  package var kind: Kind
  package var path: String
  /// The 1-based line at fault, when one is.
  package var line: Int?
  package var problem: String

  package init(_ kind: Kind, path: String, line: Int? = nil, _ problem: String) {
    self.kind = kind
    self.path = path
    self.line = line
    self.problem = problem
  }

  package var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(problem)" }

  /// A short reason a line did not decode: not JSON at all, or which field was wrong and how.
  static func describe(_ error: any Error) -> String {
    if error is JSONParseError { return "not valid JSON" }
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
      // `JSONValueDecoder` says what it expected and what came ("expected a number, got string").
      if type == Any.self { return "\(context.debugDescription)\(at(context.codingPath))" }
      return "expected \(type)\(at(context.codingPath))"
    case .valueNotFound(let type, let context):
      return "expected \(type), found null\(at(context.codingPath))"
    @unknown default:
      return "\(error)"
    }
  }
}
