import Foundation
import Testing
@testable import JSON

@Suite struct JSONValueCodingTests {
  @Test func integersAndDoublesStayApartThroughARoundTrip() throws {
    let text = #"{"count":3,"ratio":0.5,"name":"a","flag":true,"none":null,"list":[1,"x"]}"#
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    #expect(value["count"] == .int(3))
    #expect(value["ratio"] == .double(0.5))
    #expect(value["flag"] == .bool(true))
    #expect(value["none"] == .null)
    #expect(value["list"] == [1, "x"])
    let again = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    #expect(again == value)
  }

  @Test func typeNamesReadWellInErrors() {
    #expect(JSONValue.int(1).typeName == "number")
    #expect(JSONValue.object([:]).typeName == "object")
    #expect(JSONValue.array([]).typeName == "array")
  }
}
