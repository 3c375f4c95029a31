import Testing
@testable import JSON

@Suite("JSON parser and writer")
struct JSONParserTests {
  @Test func parsesEveryKindOfValueAndKeepsIntegersExact() throws {
    let value = try JSONParser.parse(
      #" {"i": 9007199254740993, "d": 1.5, "e": 1e3, "n": null, "t": true, "f": false, "s": "a\"b\\c\/d\n\u00e9\ud83d\ude00", "a": [1, [2, {}]], "neg": -0.25 } "#
    )
    #expect(value["i"] == .int(9_007_199_254_740_993))
    #expect(value["d"] == .double(1.5))
    #expect(value["e"] == .double(1000))
    #expect(value["n"] == .null)
    #expect(value["t"] == .bool(true))
    #expect(value["f"] == .bool(false))
    #expect(value["s"] == .string("a\"b\\c/d\né😀"))
    #expect(value["a"] == [1, [2, [:]]])
    #expect(value["neg"] == .double(-0.25))
  }

  @Test(arguments: [
    "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", "-", "tru", "\"unterminated", "{\"a\":1}x", "[1 2]",
    "\"bad \\q escape\"", "\"raw \u{01} control\"", "{1:2}", "NaN",
  ])
  func rejectsMalformedInput(text: String) {
    #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
  }

  @Test func deepNestingIsRefusedInsteadOfOverflowingTheStack() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
  }

  @Test func writerRoundTripsThroughTheParser() throws {
    let value: JSONValue = [
      "text": "quote \" backslash \\ newline \n tab \t control \u{07} slash / é 😀", "int": -42, "double": 2.5,
      "whole": 3.0, "list": [true, false, nil], "nested": ["k": [:]],
    ]
    let bytes = JSONWriter.bytes(value)
    #expect(try JSONParser.parse(bytes) == value)
    #expect(!String(decoding: bytes, as: UTF8.self).contains("\\/"))
  }

  @Test func nonFiniteDoublesAreWrittenAsNull() {
    #expect(JSONWriter.string(.double(.infinity)) == "null")
    #expect(JSONWriter.string(.double(.nan)) == "null")
  }

  @Test func codableRoundTripKeepsIntsAndDoublesApart() throws {
    let value: JSONValue = ["id": 7, "ratio": 0.5, "name": "x"]
    let decoded = try JSONValueDecoder().decode(JSONValue.self, from: try JSONParser.parse(try JSONCoding.encode(value)))
    #expect(decoded == value)
  }
}
