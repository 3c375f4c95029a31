import Testing
@testable import JSON

/// The indented form is for people (`baton run --json`, the report page) and reads back to the same value.
@Suite struct JSONWriterIndentedTests {
  @Test func nestedValuesAreIndentedTwoSpacesWithSortedKeys() {
    let value: JSONValue = ["b": [1, "x/y"], "a": ["empty": [:], "none": []], "c": 1.5]
    #expect(
      JSONWriter.indented(value) == """
        {
          "a": {
            "empty": {},
            "none": []
          },
          "b": [
            1,
            "x/y"
          ],
          "c": 1.5
        }
        """)
  }

  @Test func theIndentedFormReadsBackToTheSameValue() throws {
    let value: JSONValue = ["text": "line\nbreak \"quoted\" é", "n": -0.25, "list": [nil, true, ["k": 7]]]
    #expect(try JSONParser.parse(Array(JSONWriter.indented(value).utf8)) == value)
    #expect(JSONWriter.indented(42) == "42")
  }
}
