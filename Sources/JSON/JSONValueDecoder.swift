/// Decodes `Decodable` types straight from a parsed `JSONValue`.
///
/// Params arrive already parsed (by `JSONParser`); printing them back to bytes for `JSONDecoder` would parse
/// them twice and lose what `JSONValue` kept: exact integers, and the reason a number does not fit. Here a
/// mismatch says what was expected and what came, e.g. `expected a whole number, got 1.5`.
public struct JSONValueDecoder {
  public init() {}

  public func decode<Value: Decodable>(_ type: Value.Type, from value: JSONValue) throws -> Value {
    try JSONValueDecoding(value: value, path: nil).decodeValue(type)
  }
}

/// Where a value sits, as a list from the leaf up: built in O(1) per member, turned into the
/// `codingPath` array only when an error (or a type that asks) needs it.
private final class PathNode: @unchecked Sendable {
  let key: any CodingKey
  let parent: PathNode?
  init(_ key: any CodingKey, parent: PathNode?) {
    self.key = key
    self.parent = parent
  }

  static func path(_ node: PathNode?) -> [any CodingKey] {
    var keys: [any CodingKey] = []
    var current = node
    while let node = current {
      keys.append(node.key)
      current = node.parent
    }
    return keys.reversed()
  }
}

private struct JSONValueDecoding: Decoder {
  let value: JSONValue
  let path: PathNode?
  var codingPath: [any CodingKey] { PathNode.path(path) }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  init(value: JSONValue, path: PathNode?) {
    self.value = value
    self.path = path
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    guard case .object(let members) = value else { throw mismatch("an object") }
    return KeyedDecodingContainer(KeyedContainer<Key>(members: members, path: path))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    guard case .array(let elements) = value else { throw mismatch("an array") }
    return UnkeyedContainer(elements: elements, path: path)
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

  func mismatch(_ expected: String) -> DecodingError {
    DecodingError.typeMismatch(
      Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), got \(Self.describe(value))"))
  }

  static func describe(_ value: JSONValue) -> String {
    switch value {
    case .int(let integer): return String(integer)
    case .double(let double): return double.isFinite ? String(double) : "a number too large for a double"
    case .bool(let flag): return String(flag)
    default: return value.typeName
    }
  }

  func decodeValue<Value: Decodable>(_ type: Value.Type) throws -> Value {
    if let json = value as? Value { return json }
    if case .object(let members) = value, let json = members as? Value { return json }
    return try Value(from: self)
  }

  func integer<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
    switch value {
    case .int(let integer):
      if let exact = Integer(exactly: integer) { return exact }
    case .double(let double) where double.rounded() == double && double.isFinite:
      if let exact = Integer(exactly: double) { return exact }
    case .double:
      throw mismatch("a whole number")
    default:
      throw mismatch("a whole number")
    }
    throw DecodingError.dataCorrupted(
      .init(
        codingPath: codingPath,
        debugDescription: "must be between \(Integer.min) and \(Integer.max), got \(Self.describe(value))"))
  }
}

extension JSONValueDecoding: SingleValueDecodingContainer {
  func decodeNil() -> Bool { value == .null }

  func decode(_ type: Bool.Type) throws -> Bool {
    guard case .bool(let flag) = value else { throw mismatch("a boolean") }
    return flag
  }

  func decode(_ type: String.Type) throws -> String {
    guard case .string(let text) = value else { throw mismatch("a string") }
    return text
  }

  func decode(_ type: Double.Type) throws -> Double {
    switch value {
    case .int(let integer): return Double(integer)
    case .double(let double) where double.isFinite: return double
    default: throw mismatch("a number")
    }
  }

  func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
  func decode(_ type: Int.Type) throws -> Int { try integer(type) }
  func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
  func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
  func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
  func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
  func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
  func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
  func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
  func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
  func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
  func decode<Value: Decodable>(_ type: Value.Type) throws -> Value { try decodeValue(type) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let members: [String: JSONValue]
  let path: PathNode?
  var codingPath: [any CodingKey] { PathNode.path(path) }

  var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

  func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

  private func member(_ key: Key) throws -> JSONValueDecoding {
    guard let value = members[key.stringValue] else {
      throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
    }
    return JSONValueDecoding(value: value, path: PathNode(key, parent: path))
  }

  func decodeNil(forKey key: Key) throws -> Bool { (members[key.stringValue] ?? .null) == .null }

  func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
    let decoder = try member(key)
    if decoder.value == .null, !(Value.self is JSONValue.Type) {
      throw DecodingError.valueNotFound(type, .init(codingPath: decoder.codingPath, debugDescription: "got null"))
    }
    return try decoder.decodeValue(type)
  }

  func decodeIfPresent<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value? {
    guard let value = members[key.stringValue], value != .null else { return nil }
    return try JSONValueDecoding(value: value, path: PathNode(key, parent: path)).decodeValue(type)
  }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    try member(key).container(keyedBy: type)
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    try member(key).unkeyedContainer()
  }

  func superDecoder() throws -> any Decoder {
    JSONValueDecoding(value: .object(members), path: path)
  }

  func superDecoder(forKey key: Key) throws -> any Decoder { try member(key) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
  let elements: [JSONValue]
  let path: PathNode?
  var codingPath: [any CodingKey] { PathNode.path(path) }
  var currentIndex = 0

  init(elements: [JSONValue], path: PathNode?) {
    self.elements = elements
    self.path = path
  }

  var count: Int? { elements.count }
  var isAtEnd: Bool { currentIndex >= elements.count }

  private struct Index: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
  }

  private mutating func next() throws -> JSONValueDecoding {
    guard !isAtEnd else {
      throw DecodingError.valueNotFound(
        JSONValue.self, .init(codingPath: codingPath + [Index(currentIndex)], debugDescription: "no more elements"))
    }
    defer { currentIndex += 1 }
    return JSONValueDecoding(value: elements[currentIndex], path: PathNode(Index(currentIndex), parent: path))
  }

  mutating func decodeNil() throws -> Bool {
    guard !isAtEnd, elements[currentIndex] == .null else { return false }
    currentIndex += 1
    return true
  }

  mutating func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
    let decoder = try next()
    if decoder.value == .null, !(Value.self is JSONValue.Type) {
      throw DecodingError.valueNotFound(type, .init(codingPath: decoder.codingPath, debugDescription: "got null"))
    }
    return try decoder.decodeValue(type)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    try next().container(keyedBy: type)
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

  mutating func superDecoder() throws -> any Decoder { try next() }
}
