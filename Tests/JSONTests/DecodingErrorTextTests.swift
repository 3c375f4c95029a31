import Foundation
import Testing
@testable import JSON

@Suite("Decoding error text")
struct DecodingErrorTextTests {
  struct Item: Decodable { var name: String; var sizes: [Int] }
  struct Root: Decodable { var items: [Item] }

  func describe(_ value: JSONValue, subject: String = "the value") -> String? {
    do {
      _ = try JSONValueDecoder().decode(Root.self, from: value)
      return nil
    } catch let error as DecodingError {
      return DecodingErrorText.describe(error, subject: subject)
    } catch {
      return "\(error)"
    }
  }

  @Test func namesTheFieldAndWhatCame() {
    #expect(describe(["items": [["name": "a", "sizes": [1, "2"]]]]) == "field 'items[0].sizes[1]': expected a whole number, got string")
    #expect(describe(["items": [["sizes": []]]]) == "missing field 'items[0].name'")
    #expect(describe(["items": [["name": nil, "sizes": []]]]) == "field 'items[0].name': expected a string, got null")
    #expect(describe([1], subject: "params") == "params must be an object, got array")
  }

  /// Foundation's decoder names only a Swift type; the text still names the JSON type.
  @Test func describesJSONDecoderErrorsTheSameWay() {
    do {
      _ = try JSONDecoder().decode(Root.self, from: Data(#"{"items":[{"name":7,"sizes":[]}]}"#.utf8))
    } catch let error as DecodingError {
      #expect(DecodingErrorText.describe(error) == "field 'items[0].name': expected a string")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }
}
