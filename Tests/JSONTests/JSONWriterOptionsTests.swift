import Foundation
import Testing
@testable import JSON

@Suite("JSON writer options")
struct JSONWriterOptionsTests {
  static let sample: JSONValue = [
    "b": 1.0, "a": [-0.0, 1.5, 1e15, 1e20, 2.5e15, 0.1], "s": "a/b\u{01}\u{08}\u{0C}\u{7F}é\"\\\n\r\t😀", "n": nil,
    "t": true,
  ]

  @Test func sortedKeysWriteTheSameTextEveryTime() {
    #expect(
      JSONWriter.string(Self.sample, options: .sortedKeys)
        == #"{"a":[-0.0,1.5,1000000000000000.0,1e+20,2500000000000000.0,0.1],"b":1.0,"n":null,"#
        + #""s":"a/b\u0001\u0008\u000c\u{7F}é\"\\\n\r\t😀","t":true}"#.replacingOccurrences(of: "\\u{7F}", with: "\u{7F}"))
  }

  /// Provider request bodies were written by `JSONEncoder`: the same options give the same bytes.
  @Test func foundationFormattingMatchesJSONEncoder() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let expected = String(decoding: try encoder.encode(Self.sample), as: UTF8.self)
    #expect(JSONWriter.string(Self.sample, options: [.sortedKeys, .foundationFormatting]) == expected)
  }

  @Test func nonFiniteNumbersAreNullUnlessChecked() throws {
    let value: JSONValue = ["x": [.double(.nan)]]
    #expect(JSONWriter.string(value) == #"{"x":[null]}"#)
    #expect(throws: JSONWriter.NonFiniteNumber.self) { try JSONWriter.checkedBytes(value) }
    #expect(try JSONWriter.checkedBytes(["x": 1.5]) == Array(#"{"x":1.5}"#.utf8))
  }

  @Test func theWireFormRoundTrips() throws {
    let text = JSONWriter.bytes(Self.sample)
    #expect(try JSONParser.parse(text) == Self.sample)
  }
}
