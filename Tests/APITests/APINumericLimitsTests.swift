import Foundation
import Testing
@testable import EngineTestSupport
@testable import JSON
import TestSupport

/// Every number a client sends is checked before it is used: out of range is -32602 naming the field and
/// its range, never a trap, and the connection keeps serving. One rule per kind of field, in every method.
@Suite("Numbers in params are range-checked", .timeLimit(.minutes(1)))
struct APINumericLimitsTests {
  static let subtask = #"{"id":"a","name":"a","description":"a"}"#

  /// The issue's reproducers, and the same kinds of field in the other methods.
  static let refused: [(params: String, field: String, range: String)] = [
    (#""plan",{"task":"t","maxSubtasks":4611686018427387904}"#, "maxSubtasks", "between 1 and 1000"),
    (#""plan",{"task":"t","minSubtasks":9223372036854775807}"#, "minSubtasks", "between 1 and 1000"),
    (#""plan",{"task":"t","maxSubtasks":0}"#, "maxSubtasks", "between 1 and 1000"),
    (#""run",{"task":"t","subtasks":[\#(subtask)],"deadlineSeconds":1e300}"#, "deadlineSeconds", "at most 31536000"),
    (#""run",{"task":"t","deadlineSeconds":-1}"#, "deadlineSeconds", "greater than 0"),
    (#""run",{"task":"t","deadlineSeconds":1e400}"#, "deadlineSeconds", "expected a number"),
    (#""run",{"task":"t","concurrency":9223372036854775807}"#, "concurrency", "between 1 and 4096"),
    (#""run",{"task":"t","budget":{"maxTokens":-5}}"#, "budget.maxTokens", "between 1 and 1000000000000"),
    (#""run",{"task":"t","budget":{"maxCostUSD":1e300}}"#, "budget.maxCostUSD", "between 0 and 1000000"),
    (#""run",{"task":"t","maxSubtasks":1e300}"#, "maxSubtasks", "between"),
    (
      #""run",{"task":"t","subtasks":[{"id":"a","name":"a","description":"a","constraints":{"maxTokens":1e300}}]}"#,
      "subtasks[0].constraints.maxTokens", "between 1 and 1000000"
    ),
    (
      #""run",{"task":"t","subtasks":[{"id":"a","name":"a","description":"a","constraints":{"timeoutSeconds":-3}}]}"#,
      "subtasks[0].constraints.timeoutSeconds", "greater than 0"
    ),
    (#""runSubtask",{"task":"t","subtask":\#(subtask),"maxTokens":9223372036854775807}"#, "maxTokens", "between 1 and 1000000"),
    (#""runSubtask",{"task":"t","subtask":\#(subtask),"maxTokens":0}"#, "maxTokens", "between 1 and 1000000"),
    (#""runSubtask",{"task":"t","subtask":\#(subtask),"maxTokens":-1}"#, "maxTokens", "between 1 and 1000000"),
    (#""runSubtask",{"task":"t","subtask":\#(subtask),"outputSchema":"x"}"#, "outputSchema", "JSON Schema object"),
    (#""synthesize",{"task":"t","results":[],"maxTokens":0}"#, "maxTokens", "between 1 and 1000000"),
    (#""complete",{"prompt":"p","maxTokens":0}"#, "maxTokens", "between 1 and 1000000"),
    (#""complete",{"prompt":"p","temperature":-5}"#, "temperature", "between 0 and 2"),
    (#""complete",{"prompt":"p","temperature":1e300}"#, "temperature", "between 0 and 2"),
    (#""complete",{"prompt":"p","schema":[1]}"#, "schema", "JSON Schema object"),
    (#""plan",{"task":"t","maxSubtasks":1.5}"#, "maxSubtasks", "expected a whole number, got 1.5"),
    (#""plan",{"task":"t","subtaskSchema":true}"#, "subtaskSchema", "JSON Schema object"),
  ]

  @Test(arguments: refused)
  func anOutOfRangeNumberIsInvalidParamsNamingTheField(params: String, field: String, range: String) async throws {
    let provider = FakeProvider { _, _ in .text("unused") }
    let client = try await APIEngineMethodsTests.client(provider)
    client.sendRaw(#"{"jsonrpc":"2.0","id":1,"method":\#(params)}"#.replacingOccurrences(of: #"",{"#, with: #"","params":{"#))
    let reply = try await client.nextReply()
    #expect(errorCode(reply) == -32602, "\(reply)")
    let message = reply["error"]?["message"]?.stringValue ?? ""
    #expect(message.contains("'\(field)'"), "\(message)")
    #expect(message.contains(range), "\(message)")
    #expect(provider.calls.isEmpty, "nothing is spent on a refused request")
    let status = try await client.request(2, "baton/status")
    #expect(status["result"]?["name"] == "baton", "the connection still serves")
  }

  @Test func aRunWhoseIdIsNoFiniteNumberStillStreamsItsEvents() async throws {
    let client = try await APIEngineMethodsTests.client(APIEngineMethodsTests.scriptedProvider())
    client.sendRaw(#"{"jsonrpc":"2.0","id":-1e400,"method":"run","params":{"task":"t"}}"#)
    var events: [String] = []
    while true {
      let text = try await client.nextText()
      if text.hasPrefix(#"{"jsonrpc":"2.0","id":-1e400,"result":"#) { break }
      if text.contains(#""method":"run/event""#) {
        #expect(text.contains(#""params":{"requestId":-1e400,"#), "\(text)")
        events.append(try JSONParser.parse(text)["params"]?["type"]?.stringValue ?? "")
      }
    }
    #expect(events.first == "planReady")
    #expect(events.last == "runCompleted")
    #expect(events.filter { $0 == "subtaskCompleted" }.count == 2)
  }
}
