import Testing
@testable import JSON

@Suite("JSON parser errors and options")
struct JSONParserOptionsTests {
  @Test func errorsSayTheByteTheLineAndTheColumn() {
    let error = #expect(throws: JSONParseError.self) { try JSONParser.parse("{\"providers\": {\n  \"a\": x}") }
    #expect(error?.kind == .invalidValue)
    #expect(error?.offset == 23)
    #expect(error?.line == 2)
    #expect(error?.column == 8)
    #expect(error?.description == "unexpected character 'x' at byte 23")
    #expect(error?.located == "unexpected character 'x' at line 2, column 8")
  }

  @Test(arguments: [
    ("{\"a\":", JSONParseError.Kind.unexpectedEnd), ("\"abc", .unexpectedEnd), ("\"\\u12", .unexpectedEnd),
    ("\"a\\x\"", .invalidEscape), ("\"a\u{01}\"", .controlCharacter), ("{} x", .invalidValue),
    (String(repeating: "[", count: 600), .tooDeep),
  ])
  func errorsAreClassified(text: String, kind: JSONParseError.Kind) {
    let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    #expect(error?.kind == kind)
  }

  @Test func strictByDefault() throws {
    for text in ["[1,]", "{\"a\":1,}", "\u{FEFF}{}"] {
      #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }
    #expect(try JSONParser.parse("1.0") == .double(1))
    #expect(try JSONParser.parse("1e400") == .double(.infinity))
  }

  @Test func foundationCompatibleAcceptsAndProducesWhatJSONDecoderDid() throws {
    let options = JSONParser.Options.foundationCompatible
    #expect(try JSONParser.parse("[1,]", options: options) == [1])
    #expect(try JSONParser.parse("{\"a\":[1, ],\n}", options: options) == ["a": [1]])
    #expect(try JSONParser.parse("\u{FEFF}{}", options: options) == [:])
    #expect(try JSONParser.parse("[1.0, 1e2, -0.0, 1.5, 12345678901234567890]", options: options)
      == [1, 100, 0, 1.5, .double(Double("12345678901234567890")!)])
    for text in ["[,]", "[1,,]", "{,}"] {
      #expect(throws: JSONParseError.self) { try JSONParser.parse(text, options: options) }
    }
    let outOfRange = #expect(throws: JSONParseError.self) { try JSONParser.parse("[1e400]", options: options) }
    #expect(outOfRange?.kind == .numberOutOfRange)
    #expect(outOfRange?.offset == 1)
  }
}
