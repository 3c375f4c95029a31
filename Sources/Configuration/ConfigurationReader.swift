import Foundation
import JSON
import LLM
import Orchestrator

/// Typed access to a parsed JSON configuration that reports every problem with its source and key
/// path, so the parser reads like the format it checks.
struct ConfigurationReader {
  let source: String

  func error(_ path: String, _ problem: String) -> ConfigurationError {
    ConfigurationError(source: source, keyPath: path.isEmpty ? nil : path, problem: problem)
  }

  func object(_ value: JSONValue, at path: String) throws(ConfigurationError) -> [String: JSONValue] {
    guard case .object(let members) = value else { throw mismatch("an object", value, path) }
    return members
  }

  /// Fails on the first key (in sorted order, so errors are stable) that is not in `allowed`.
  func checkKeys(_ members: [String: JSONValue], allowed: [String], at path: String) throws(ConfigurationError) {
    for key in members.keys.sorted() where !allowed.contains(key) {
      throw error(join(path, key), "unknown key (expected one of: \(allowed.joined(separator: ", ")))")
    }
  }

  func string(_ value: JSONValue, at path: String) throws(ConfigurationError) -> String {
    guard case .string(let text) = value else { throw mismatch("a string", value, path) }
    return text
  }

  func nonEmptyString(_ value: JSONValue, at path: String) throws(ConfigurationError) -> String {
    let text = try string(value, at: path)
    guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(path, "must not be empty") }
    return text
  }

  func number(_ value: JSONValue, at path: String) throws(ConfigurationError) -> Double {
    guard let number = value.doubleValue else { throw mismatch("a number", value, path) }
    return number
  }

  /// A number within `limit`: the same rule a request's field of that kind follows.
  func number(_ value: JSONValue, within limit: FieldLimit, at path: String) throws(ConfigurationError) -> Double {
    switch limit.check(value, field: path) {
    case .success(let number): return number
    case .failure(let violation): throw error(path, violation.problem)
    }
  }

  /// A whole number within `limit` (whose `isInteger` must be set).
  func integer(_ value: JSONValue, within limit: FieldLimit, at path: String) throws(ConfigurationError) -> Int {
    Int(try number(value, within: limit, at: path))
  }

  func strings(_ value: JSONValue, at path: String) throws(ConfigurationError) -> [String] {
    guard case .array(let items) = value else { throw mismatch("an array of strings", value, path) }
    var result: [String] = []
    for (index, item) in items.enumerated() {
      result.append(try nonEmptyString(item, at: "\(path)[\(index)]"))
    }
    return result
  }

  func stringMap(_ value: JSONValue, at path: String) throws(ConfigurationError) -> [String: String] {
    var result: [String: String] = [:]
    for (key, item) in try object(value, at: path) {
      result[key] = try string(item, at: join(path, key))
    }
    return result
  }

  /// An `http` or `https` URL with a host. The value is not echoed: URLs may embed credentials.
  func httpURL(_ value: JSONValue, at path: String) throws(ConfigurationError) -> URL {
    let text = try string(value, at: path)
    guard let url = Self.httpURL(text) else { throw error(path, "expected an http(s) URL with a host") }
    return url
  }

  static func httpURL(_ text: String) -> URL? {
    guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
      let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
      let host = url.host, !host.isEmpty
    else { return nil }
    return url
  }

  /// `provider:model`, as `ModelReference` parses it.
  func modelReference(_ value: JSONValue, at path: String) throws(ConfigurationError) -> ModelReference {
    let text = try string(value, at: path)
    guard let reference = ModelReference(parsing: text) else {
      throw error(path, "expected \"provider:model\" (e.g. \"openai:gpt-4o-mini\"), got \"\(text)\"")
    }
    return reference
  }

  func join(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
  }

  private func mismatch(_ expected: String, _ value: JSONValue, _ path: String) -> ConfigurationError {
    error(path, "expected \(expected), got \(value.typeName)")
  }
}
