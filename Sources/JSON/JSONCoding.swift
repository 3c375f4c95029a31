import Foundation

/// Conversions between typed values and JSON bytes, tuned once for the whole protocol.
public enum JSONCoding {
  /// Encodes a typed value: to `JSONValue` (`JSONValueEncoder`), then bytes (`JSONWriter`).
  public static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
    JSONWriter.bytes(try JSONValueEncoder().encode(value))
  }

  /// Converts any encodable value to `JSONValue` (for params built from typed structs).
  public static func jsonValue<Value: Encodable>(_ value: Value) throws -> JSONValue {
    try JSONValueEncoder().encode(value)
  }
}
