import Foundation

/// A prompt with `{variable}` slots. `{{` and `}}` stand for literal braces.
///
/// Parsed once, rendered many times (a run renders the worker template once per subtask).
/// Rendering fails with an error naming the variable when nothing supplies it: a silently empty
/// slot produces a prompt that looks fine and answers the wrong question.
package struct PromptTemplate: Sendable {
  enum Segment: Sendable, Equatable {
    case text(String)
    case variable(String)
  }

  /// Which prompt this is, for error messages ("the worker template refers to {audience}…").
  let role: String
  let segments: [Segment]

  package init(_ source: String, role: String) throws {
    self.role = role
    var segments: [Segment] = []
    var literal = ""
    var index = source.startIndex
    while index < source.endIndex {
      let character = source[index]
      let next = source.index(after: index)
      if character == "{" {
        if next < source.endIndex, source[next] == "{" {
          literal.append("{")
          index = source.index(after: next)
          continue
        }
        guard let close = source[next...].firstIndex(of: "}"), Self.isVariableName(source[next..<close]) else {
          let offset = source.distance(from: source.startIndex, to: index)
          let excerpt = String(source[index...].prefix(24))
          throw EngineError(
            .templateSyntax,
            "the \(role) template has an unescaped \"{\" at character \(offset) (\"\(excerpt)\"); "
              + "write {{ for a literal brace",
            data: ["template": .string(role), "offset": .int(offset)])
        }
        if !literal.isEmpty { segments.append(.text(literal)) }
        literal = ""
        segments.append(.variable(String(source[next..<close])))
        index = source.index(after: close)
      } else {
        literal.append(character)
        // `}}` is a literal `}`; a lone `}` is kept as written.
        index = character == "}" && next < source.endIndex && source[next] == "}" ? source.index(after: next) : next
      }
    }
    if !literal.isEmpty { segments.append(.text(literal)) }
    self.segments = segments
  }

  /// Variable names in order of first use.
  var variables: [String] {
    var seen = Set<String>()
    return segments.compactMap { segment in
      if case .variable(let name) = segment, seen.insert(name).inserted { return name }
      return nil
    }
  }

  /// Renders with `value(name)` for each variable; throws `.templateVariableMissing` for the first it lacks.
  func render(_ value: (String) -> String?) throws -> String {
    var out = ""
    for segment in segments {
      switch segment {
      case .text(let text): out += text
      case .variable(let name):
        guard let text = value(name) else { throw missing(name) }
        out += text
      }
    }
    return out
  }

  func missing(_ name: String) -> EngineError {
    EngineError(
      .templateVariableMissing,
      "the \(role) template uses {\(name)}, which is neither a built-in variable nor a key of context",
      data: ["variable": .string(name), "template": .string(role)])
  }

  private static func isVariableName(_ text: Substring) -> Bool {
    guard let first = text.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else {
      return false
    }
    return text.unicodeScalars.allSatisfy {
      $0 == "_" || $0 == "." || $0 == "-" || CharacterSet.alphanumerics.contains($0)
    }
  }
}
