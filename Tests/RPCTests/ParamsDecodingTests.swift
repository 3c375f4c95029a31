import Foundation
import Testing
@testable import JSON
@testable import RPC
import TestSupport

/// Params are decoded straight from the parsed JSON, and a field that does not fit says which field,
/// what it had to be and what came instead.
@Suite("Params decoding names the field and the problem", .timeLimit(.minutes(1)))
struct ParamsDecodingTests {
  @Test(arguments: [
    (#"1.5"#, "invalid params: field 'times': expected a whole number, got 1.5"),
    (#"1e400"#, "invalid params: field 'times': expected a whole number, got a number too large for a double"),
    (
      #"123456789012345678901234567890"#,
      "invalid params: field 'times': must be between -9223372036854775808 and 9223372036854775807, got 1.2345678901234568e+29"
    ),
    (#""2""#, "invalid params: field 'times': expected a whole number, got string"),
    (#"true"#, "invalid params: field 'times': expected a whole number, got true"),
  ])
  func aNumberThatIsNoIntegerIsNamed(value: String, message: String) async throws {
    let peer = try await TestPeer()
    peer.sendRaw(#"{"jsonrpc":"2.0","id":1,"method":"test/echo","params":{"text":"a","times":\#(value)}}"#)
    let reply = try await peer.nextReply()
    #expect(errorCode(reply) == -32602)
    #expect(reply["error"]?["message"]?.stringValue == message)
  }

  @Test func nullForARequiredFieldSaysSo() async throws {
    let peer = try await TestPeer()
    let reply = try await peer.request(1, "test/echo", ["text": .null])
    #expect(reply["error"]?["message"]?.stringValue == "invalid params: field 'text': expected a string, got null")
  }

  struct Nested: Decodable, Equatable {
    var name: String
    var sizes: [Int]
    var limit: Int8?
    var extra: JSONValue?
    var flags: [String: Bool]?
  }

  @Test func nestedValuesDecodeAndErrorsCarryTheirPath() throws {
    let decoder = JSONValueDecoder()
    let value: JSONValue = ["name": "n", "sizes": [1, 2.0, 3], "extra": ["a": [1, "b"]], "flags": ["x": true]]
    let decoded = try decoder.decode(Nested.self, from: value)
    #expect(decoded == Nested(name: "n", sizes: [1, 2, 3], limit: nil, extra: ["a": [1, "b"]], flags: ["x": true]))

    #expect(throws: DecodingError.self) { try decoder.decode(Nested.self, from: ["name": "n", "sizes": [1, 2.5]]) }
    do {
      _ = try decoder.decode(Nested.self, from: ["name": "n", "sizes": [1], "limit": 300])
      Issue.record("300 does not fit Int8")
    } catch let error as DecodingError {
      #expect(RPCError.describe(error) == "invalid params: field 'limit': must be between -128 and 127, got 300")
    }
    do {
      _ = try decoder.decode(Nested.self, from: ["name": "n", "sizes": [1, "x"]])
      Issue.record("a string is no Int")
    } catch let error as DecodingError {
      #expect(RPCError.describe(error) == "invalid params: field 'sizes[1]': expected a whole number, got string")
    }
  }

  @Test(arguments: [JSONValue.int(2_147_483_648), .int(-1), .int(0), .double(1.5), .string("1"), .double(1e300)])
  func anImpossibleProcessIdIsInvalidParamsAndTheSessionStaysUsable(processId: JSONValue) async throws {
    let peer = try await TestPeer(initialize: false)
    let refused = try await peer.request(1, "initialize", ["processId": processId])
    #expect(errorCode(refused) == -32602)
    #expect(refused["error"]?["message"]?.stringValue?.contains("'processId'") == true)
    let accepted = try await peer.request(2, "initialize", ["processId": .null])
    #expect(accepted["result"]?["serverInfo"] != nil)
    #expect(try await peer.request(3, "test/echo", ["text": "still here"])["result"]?["echoed"] == "still here")
  }
}
