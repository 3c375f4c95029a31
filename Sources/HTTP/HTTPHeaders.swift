import Foundation

/// An ordered list of header fields with case-insensitive lookup (HTTP names are case-insensitive).
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
  public private(set) var fields: [(name: String, value: String)]

  public init() { fields = [] }

  public init(_ fields: [(String, String)]) {
    self.fields = fields.map { (name: $0.0, value: $0.1) }
  }

  public init(dictionaryLiteral elements: (String, String)...) {
    self.init(elements)
  }

  /// The first value for `name`, compared case-insensitively.
  public subscript(name: String) -> String? {
    fields.first { Self.namesMatch($0.name, name) }?.value
  }

  /// Appends a field, keeping any existing ones with the same name.
  public mutating func add(_ name: String, _ value: String) {
    fields.append((name: name, value: value))
  }

  /// Replaces every field named `name` with one field.
  public mutating func set(_ name: String, _ value: String) {
    fields.removeAll { Self.namesMatch($0.name, name) }
    fields.append((name: name, value: value))
  }

  /// Whether two names are equal once lowercased. Header names are ASCII tokens, which are compared
  /// byte by byte without allocating; anything else falls back to `lowercased()`.
  static func namesMatch(_ first: String, _ second: String) -> Bool {
    let (left, right) = (first.utf8, second.utf8)
    guard left.allSatisfy({ $0 < 0x80 }), right.allSatisfy({ $0 < 0x80 }) else {
      return first.lowercased() == second.lowercased()
    }
    // ASCII letters differ from their lowercase form by one bit, 0x20.
    func lower(_ byte: UInt8) -> UInt8 { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte }
    return left.count == right.count && zip(left, right).allSatisfy { lower($0) == lower($1) }
  }

  public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
    fields.makeIterator()
  }

  public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
    lhs.fields.count == rhs.fields.count
      && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
  }
}
