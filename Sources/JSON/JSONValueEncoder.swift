/// Encodes `Encodable` values to a `JSONValue`, which `JSONWriter` turns into bytes.
///
/// Nested containers report an empty `codingPath`: nothing Baton encodes reads it, and building one per
/// member was a large share of the cost.
///
/// Foundation's `JSONEncoder` on Linux spends most of its time in dynamic casts (is this a `Date`? a `URL`?)
/// and generic metadata look-ups for every value: measured on a 100,000-subtask plan, encoding the plan was
/// seconds of a run's start. This encoder does only what the protocol needs: values become `JSONValue`
/// cases directly, and integers stay integers.
public struct JSONValueEncoder {
  public init() {}

  public func encode<Value: Encodable>(_ value: Value) throws -> JSONValue {
    if let json = value as? JSONValue { return json }
    let root = EncodingNode()
    try value.encode(to: JSONValueEncoding(node: root, codingPath: []))
    return root.value
  }
}

/// A value under construction: containers write into it. Leaves are stored as values; nested containers
/// get nodes of their own, folded in when the value is read.
private final class EncodingNode {
  enum Content {
    case empty
    case value(JSONValue)
    case object(values: [String: JSONValue], children: [String: EncodingNode])
    case array([EncodingNode])
  }

  var content = Content.empty

  var value: JSONValue {
    switch content {
    case .empty: return .object([:])
    case .value(let value): return value
    case .object(var values, let children):
      for (key, child) in children { values[key] = child.value }
      return .object(values)
    case .array(let elements): return .array(elements.map(\.value))
    }
  }

  /// The node for member `key`, for a nested container or a value that encodes itself.
  func member(_ key: String) -> EncodingNode {
    let node = EncodingNode()
    if case .object(var values, var children) = content {
      content = .empty  // keeps the dictionaries uniquely referenced while they change
      values[key] = nil
      children[key] = node
      content = .object(values: values, children: children)
    } else {
      content = .object(values: [:], children: [key: node])
    }
    return node
  }

  func set(_ key: String, _ value: JSONValue) {
    if case .object(var values, var children) = content {
      content = .empty
      values[key] = value
      children[key] = nil
      content = .object(values: values, children: children)
    } else {
      content = .object(values: [key: value], children: [:])
    }
  }

  func append() -> EncodingNode {
    let node = EncodingNode()
    if case .array(var elements) = content {
      content = .empty
      elements.append(node)
      content = .array(elements)
    } else {
      content = .array([node])
    }
    return node
  }

  func becomeObject() { if case .empty = content { content = .object(values: [:], children: [:]) } }
  func becomeArray() { if case .empty = content { content = .array([]) } }
}

private struct JSONValueEncoding: Encoder {
  let node: EncodingNode
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    node.becomeObject()
    return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    node.becomeArray()
    return UnkeyedContainer(node: node, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(node: node, codingPath: codingPath) }
}

/// Unsigned values past `Int.max` cannot be `.int`; they go out as the nearest double.
private func unsignedValue(_ value: UInt64) -> JSONValue {
  Int(exactly: value).map(JSONValue.int) ?? .double(Double(value))
}

/// The common leaf types as values, without going through an encoder.
private func leafValue<Value: Encodable>(_ value: Value) -> JSONValue? {
  switch value {
  case let json as JSONValue: return json
  case let text as String: return .string(text)
  case let integer as Int: return .int(integer)
  case let flag as Bool: return .bool(flag)
  case let number as Double: return .double(number)
  default: return nil
  }
}

/// Encodes one value into `node`.
private func encodeValue<Value: Encodable>(_ value: Value, into node: EncodingNode, codingPath: [any CodingKey]) throws {
  if let leaf = leafValue(value) {
    node.content = .value(leaf)
  } else {
    try value.encode(to: JSONValueEncoding(node: node, codingPath: codingPath))
  }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: EncodingNode
  let codingPath: [any CodingKey]

  mutating func encodeNil(forKey key: Key) { node.set(key.stringValue, .null) }
  mutating func encode(_ value: Bool, forKey key: Key) { node.set(key.stringValue, .bool(value)) }
  mutating func encode(_ value: String, forKey key: Key) { node.set(key.stringValue, .string(value)) }
  mutating func encode(_ value: Double, forKey key: Key) { node.set(key.stringValue, .double(value)) }
  mutating func encode(_ value: Float, forKey key: Key) { node.set(key.stringValue, .double(Double(value))) }
  mutating func encode(_ value: Int, forKey key: Key) { node.set(key.stringValue, .int(value)) }
  mutating func encode(_ value: Int8, forKey key: Key) { node.set(key.stringValue, .int(Int(value))) }
  mutating func encode(_ value: Int16, forKey key: Key) { node.set(key.stringValue, .int(Int(value))) }
  mutating func encode(_ value: Int32, forKey key: Key) { node.set(key.stringValue, .int(Int(value))) }
  mutating func encode(_ value: Int64, forKey key: Key) { node.set(key.stringValue, .int(Int(value))) }
  mutating func encode(_ value: UInt8, forKey key: Key) { node.set(key.stringValue, .int(Int(value))) }
  mutating func encode(_ value: UInt16, forKey key: Key) { node.set(key.stringValue, .int(Int(value))) }
  mutating func encode(_ value: UInt32, forKey key: Key) { node.set(key.stringValue, .int(Int(value))) }
  mutating func encode(_ value: UInt, forKey key: Key) { node.set(key.stringValue, unsignedValue(UInt64(value))) }
  mutating func encode(_ value: UInt64, forKey key: Key) { node.set(key.stringValue, unsignedValue(value)) }

  mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
    if let leaf = leafValue(value) {
      node.set(key.stringValue, leaf)
    } else {
      try value.encode(to: JSONValueEncoding(node: node.member(key.stringValue), codingPath: []))
    }
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    let child = node.member(key.stringValue)
    child.becomeObject()
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: []))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let child = node.member(key.stringValue)
    child.becomeArray()
    return UnkeyedContainer(node: child, codingPath: [])
  }

  mutating func superEncoder() -> any Encoder { JSONValueEncoding(node: node.member("super"), codingPath: codingPath) }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    JSONValueEncoding(node: node.member(key.stringValue), codingPath: [])
  }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
  let node: EncodingNode
  let codingPath: [any CodingKey]
  var count = 0

  init(node: EncodingNode, codingPath: [any CodingKey]) {
    self.node = node
    self.codingPath = codingPath
  }

  private mutating func next() -> EncodingNode {
    count += 1
    return node.append()
  }

  mutating func encodeNil() { next().content = .value(.null) }

  mutating func encode<Value: Encodable>(_ value: Value) throws {
    try encodeValue(value, into: next(), codingPath: codingPath)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    let path = codingPath
    let child = next()
    child.becomeObject()
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: path))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let path = codingPath
    let child = next()
    child.becomeArray()
    return UnkeyedContainer(node: child, codingPath: path)
  }

  mutating func superEncoder() -> any Encoder {
    JSONValueEncoding(node: next(), codingPath: codingPath)
  }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
  let node: EncodingNode
  let codingPath: [any CodingKey]

  mutating func encodeNil() { node.content = .value(.null) }
  mutating func encode(_ value: Bool) { node.content = .value(.bool(value)) }
  mutating func encode(_ value: String) { node.content = .value(.string(value)) }
  mutating func encode(_ value: Double) { node.content = .value(.double(value)) }
  mutating func encode(_ value: Float) { node.content = .value(.double(Double(value))) }
  mutating func encode(_ value: Int) { node.content = .value(.int(value)) }
  mutating func encode(_ value: Int8) { node.content = .value(.int(Int(value))) }
  mutating func encode(_ value: Int16) { node.content = .value(.int(Int(value))) }
  mutating func encode(_ value: Int32) { node.content = .value(.int(Int(value))) }
  mutating func encode(_ value: Int64) { node.content = .value(.int(Int(value))) }
  mutating func encode(_ value: UInt8) { node.content = .value(.int(Int(value))) }
  mutating func encode(_ value: UInt16) { node.content = .value(.int(Int(value))) }
  mutating func encode(_ value: UInt32) { node.content = .value(.int(Int(value))) }
  mutating func encode(_ value: UInt) { node.content = .value(unsignedValue(UInt64(value))) }
  mutating func encode(_ value: UInt64) { node.content = .value(unsignedValue(value)) }

  mutating func encode<Value: Encodable>(_ value: Value) throws {
    try encodeValue(value, into: node, codingPath: codingPath)
  }
}
