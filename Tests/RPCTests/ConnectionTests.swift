import Foundation
import Testing
@testable import JSON
import TestSupport

@Suite("JSON-RPC connection", .timeLimit(.minutes(1)))
struct ConnectionTests {
  @Test func initializeReportsServerInfoProtocolVersionAndMethods() async throws {
    let peer = try await TestPeer(initialize: false)
    let reply = try await peer.request(1, "initialize", ["processId": .null, "capabilities": [:]])
    #expect(reply["id"] == 1)
    #expect(reply["result"]?["serverInfo"]?["name"] == "baton")
    #expect(reply["result"]?["serverInfo"]?["version"] == "9.9.9")
    #expect(reply["result"]?["protocolVersion"] == "1.0")
    let methods = reply["result"]?["capabilities"]?["methods"]?.arrayValue ?? []
    #expect(methods.contains("test/echo"))
  }

  @Test func requestsBeforeInitializeGetServerNotInitialized() async throws {
    let peer = try await TestPeer(initialize: false)
    let reply = try await peer.request(7, "test/echo", ["text": "x"])
    #expect(errorCode(reply) == -32002)
    #expect(reply["id"] == 7)
    let second = try await peer.request(8, "initialize", [:])
    #expect(second["result"] != nil)
  }

  @Test func initializeTwiceIsRefused() async throws {
    let peer = try await TestPeer()
    #expect(errorCode(try await peer.request(2, "initialize", [:])) == -32600)
  }

  @Test(arguments: [JSONValue.int(42), .string("abc"), .string("42"), .null])
  func idIsEchoedWithItsExactJSONType(id: JSONValue) async throws {
    let peer = try await TestPeer()
    let reply = try await peer.request(id, "test/echo", ["text": "hi", "times": 2])
    #expect(reply["id"] == id)
    #expect(reply["result"]?["echoed"] == "hihi")
    #expect(reply["jsonrpc"] == "2.0")
  }

  @Test func unknownMethodGetsMethodNotFoundWithTheSameId() async throws {
    let peer = try await TestPeer()
    let reply = try await peer.request("q", "no/such")
    #expect(errorCode(reply) == -32601)
    #expect(reply["id"] == "q")
    #expect(reply["error"]?["message"]?.stringValue?.contains("no/such") == true)
  }

  @Test func invalidParamsNameTheOffendingField() async throws {
    let peer = try await TestPeer()
    let missing = try await peer.request(1, "test/echo", ["times": 2])
    #expect(errorCode(missing) == -32602)
    #expect(missing["error"]?["message"]?.stringValue?.contains("'text'") == true)
    let wrongType = try await peer.request(2, "test/echo", ["text": "a", "times": "two"])
    #expect(errorCode(wrongType) == -32602)
    #expect(wrongType["error"]?["message"]?.stringValue?.contains("'times'") == true)
    let positional = try await peer.request(3, "test/echo", ["a"])
    #expect(errorCode(positional) == -32602)
  }

  @Test func paramsMayBeAbsentNullObjectOrArrayForAMethodWithoutParams() async throws {
    let peer = try await TestPeer()
    for (id, params) in [(1, nil), (2, JSONValue.null), (3, [:]), (4, [])] as [(Int, JSONValue?)] {
      let reply = try await peer.request(.int(id), "test/progress", params)
      #expect(reply["result"] == "done", "params \(String(describing: params))")
    }
  }

  @Test func malformedMessagesGetInvalidRequest() async throws {
    let peer = try await TestPeer()
    peer.sendRaw(#"{"id":1,"method":"test/echo"}"#)
    #expect(errorCode(try await peer.nextReply()) == -32600)
    peer.sendRaw(#"{"jsonrpc":"2.0","id":2,"method":5}"#)
    let badMethod = try await peer.nextReply()
    #expect(errorCode(badMethod) == -32600)
    #expect(badMethod["id"] == 2)
    peer.sendRaw(#"{"jsonrpc":"2.0","id":3,"method":"test/echo","params":"text"}"#)
    #expect(errorCode(try await peer.nextReply()) == -32600)
    peer.sendRaw(#"{"jsonrpc":"2.0","id":{"a":1},"method":"test/echo"}"#)
    let badID = try await peer.nextReply()
    #expect(errorCode(badID) == -32600)
    #expect(badID["id"] == .null)
    peer.sendRaw(#"42"#)
    #expect(errorCode(try await peer.nextReply()) == -32600)
  }

  @Test func unparseableJSONGetsParseErrorWithNullId() async throws {
    let peer = try await TestPeer()
    peer.sendRaw(#"{"jsonrpc":"2.0","id":1,"method":"#)
    let reply = try await peer.nextReply()
    #expect(errorCode(reply) == -32700)
    #expect(reply["id"] == .null)
    // And the connection keeps working.
    #expect(try await peer.request(2, "test/echo", ["text": "ok"])["result"] != nil)
  }

  @Test func framingErrorsAreAnsweredAndTheConnectionGoesOn() async throws {
    let peer = try await TestPeer()
    peer.server.inject(.framingError(.frameTooLarge(size: 99, limit: 10)))
    let reply = try await peer.nextReply()
    #expect(errorCode(reply) == -32600)
    #expect(reply["error"]?["message"]?.stringValue?.contains("exceeds") == true)
    #expect(try await peer.request(2, "test/echo", ["text": "ok"])["result"] != nil)
  }

  @Test func batchGetsOneArrayWithoutNotificationReplies() async throws {
    let peer = try await TestPeer()
    peer.sendRaw(
      #"[{"jsonrpc":"2.0","id":1,"method":"test/echo","params":{"text":"a"}},{"jsonrpc":"2.0","method":"test/echo","params":{"text":"n"}},{"jsonrpc":"2.0","id":"x","method":"nope"},{"foo":1}]"#
    )
    let reply = try await peer.nextReply()
    let elements = try #require(reply.arrayValue)
    #expect(elements.count == 3)
    #expect(elements.contains { $0["id"] == 1 && $0["result"]?["echoed"] == "a" })
    #expect(elements.contains { $0["id"] == "x" && errorCode($0) == -32601 })
    #expect(elements.contains { $0["id"] == .null && errorCode($0) == -32600 })
  }

  @Test func emptyBatchGetsOneInvalidRequest() async throws {
    let peer = try await TestPeer()
    peer.sendRaw("[]")
    let reply = try await peer.nextReply()
    #expect(reply.objectValue != nil)
    #expect(errorCode(reply) == -32600)
  }

  @Test func batchOfNotificationsGetsNothing() async throws {
    let peer = try await TestPeer()
    peer.sendRaw(#"[{"jsonrpc":"2.0","method":"test/echo","params":{"text":"n"}},{"jsonrpc":"2.0","method":"initialized"}]"#)
    // The next frame is the reply to the following request, not anything for the batch.
    let reply = try await peer.request(5, "test/echo", ["text": "after"])
    #expect(reply["id"] == 5)
  }

  @Test func notificationsAreNeverAnswered() async throws {
    let peer = try await TestPeer()
    peer.notify("test/echo", ["text": "x"])
    peer.notify("unknown/notification")
    let reply = try await peer.request(9, "test/echo", ["text": "y"])
    #expect(reply["id"] == 9)
  }

  @Test(arguments: [
    ("$/cancelRequest", "id"), ("notifications/cancelled", "requestId"), ("$/cancel_request", "requestId"),
  ])
  func cancelledRequestIsAnsweredOnceWithRequestCancelled(method: String, key: String) async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 11, "method": "test/wait"])
    await peer.arrivals.wait(for: 1)
    peer.notify(method, .object([key: 11]))
    let reply = try await peer.nextReply()
    #expect(reply["id"] == 11)
    #expect(errorCode(reply) == -32800)
    await peer.gate.open()
    // Exactly one reply: the next frame belongs to the next request.
    let next = try await peer.request(12, "test/echo", ["text": "z"])
    #expect(next["id"] == 12)
  }

  @Test func cancelIsHandledAheadOfQueuedWorkAndOthersKeepRunning() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": "a", "method": "test/wait"])
    peer.send(["jsonrpc": "2.0", "id": "b", "method": "test/wait"])
    await peer.arrivals.wait(for: 2)
    peer.notify("$/cancelRequest", ["id": "a"])
    let cancelled = try await peer.nextReply()
    #expect(cancelled["id"] == "a")
    #expect(errorCode(cancelled) == -32800)
    await peer.gate.open()
    let finished = try await peer.nextReply()
    #expect(finished["id"] == "b")
    #expect(finished["result"] == "released")
  }

  @Test func cancelIsAnsweredAtOnceEvenIfTheHandlerIsSlowToNotice() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 31, "method": "test/waitStubborn"])
    await peer.arrivals.wait(for: 1)
    peer.notify("$/cancelRequest", ["id": 31])
    let reply = try await peer.nextReply()
    #expect(reply["id"] == 31)
    #expect(errorCode(reply) == -32800)
    await peer.gate.open()
    // The handler's late result is not sent: the next reply is the next request's.
    #expect(try await peer.request(32, "test/echo", ["text": "x"])["id"] == 32)
  }

  @Test func handlerThatIgnoresShutdownIsAnsweredAfterTheGracePeriod() async throws {
    let peer = try await TestPeer(shutdownGrace: .milliseconds(20))
    peer.send(["jsonrpc": "2.0", "id": 41, "method": "test/waitStubborn"])
    await peer.arrivals.wait(for: 1)
    peer.server.finishInbound()
    let reply = try await peer.nextReply()
    #expect(reply["id"] == 41)
    #expect(errorCode(reply) == -32800)
    #expect(await peer.exitCode.value == 0)
    await peer.gate.open()
  }

  @Test func cancelForAnUnknownIdIsIgnored() async throws {
    let peer = try await TestPeer()
    peer.notify("$/cancelRequest", ["id": 999])
    peer.notify("$/cancelRequest", ["id": ["not": "an id"]])
    #expect(try await peer.request(1, "test/echo", ["text": "fine"])["result"]?["echoed"] == "fine")
  }

  @Test func duplicateInFlightIdIsRefused() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 3, "method": "test/wait"])
    await peer.arrivals.wait(for: 1)
    let duplicate = try await peer.request(3, "test/echo", ["text": "x"])
    #expect(errorCode(duplicate) == -32600)
    await peer.gate.open()
    #expect(try await peer.nextReply()["result"] == "released")
  }

  @Test func shutdownThenExitEndsWithCodeZero() async throws {
    let peer = try await TestPeer()
    let reply = try await peer.request(1, "shutdown", .null)
    #expect(reply["result"] == .null)
    #expect(reply.objectValue?.keys.contains("result") == true)
    #expect(errorCode(try await peer.request(2, "test/echo", ["text": "late"])) == -32600)
    peer.notify("exit", .null)
    #expect(await peer.exitCode.value == 0)
  }

  @Test func exitWithoutShutdownEndsWithCodeOne() async throws {
    let peer = try await TestPeer()
    peer.notify("exit")
    #expect(await peer.exitCode.value == 1)
  }

  @Test func exitBeforeInitializeIsHonoured() async throws {
    let peer = try await TestPeer(initialize: false)
    peer.notify("exit")
    #expect(await peer.exitCode.value == 1)
  }

  @Test func endOfInputCancelsInFlightWorkAndStillReplies() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 21, "method": "test/wait"])
    await peer.arrivals.wait(for: 1)
    peer.server.finishInbound()
    let reply = try await peer.nextReply()
    #expect(reply["id"] == 21)
    #expect(errorCode(reply) == -32800)
    #expect(await peer.exitCode.value == 0)
  }

  @Test func workDoneTokenGivesProgressBeginReportEndBeforeTheReply() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 1, "method": "test/progress", "params": ["workDoneToken": "tok"]])
    var kinds: [String] = []
    var percentages: [Int] = []
    while true {
      let message = try await peer.next()
      if message["method"] == nil {
        #expect(message["result"] == "done")
        break
      }
      #expect(message["method"] == "$/progress")
      #expect(message["params"]?["token"] == "tok")
      kinds.append(message["params"]?["value"]?["kind"]?.stringValue ?? "?")
      if let percentage = message["params"]?["value"]?["percentage"]?.intValue { percentages.append(percentage) }
    }
    #expect(kinds == ["begin", "report", "report", "end"])
    #expect(percentages == [0, 50, 100])
  }

  @Test func mcpProgressTokenGivesIncreasingNotificationsProgress() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 1, "method": "test/progress", "params": ["_meta": ["progressToken": 7]]])
    var progress: [Double] = []
    while true {
      let message = try await peer.next()
      if message["method"] == nil { break }
      #expect(message["method"] == "notifications/progress")
      #expect(message["params"]?["progressToken"] == 7)
      progress.append(message["params"]?["progress"]?.doubleValue ?? -1)
    }
    #expect(progress == [50, 100])
  }

  @Test func noTokenMeansNoProgress() async throws {
    let peer = try await TestPeer()
    let reply = try await peer.request(1, "test/progress", [:])
    #expect(reply["result"] == "done")
  }

  @Test func serverToClientRequestUsesItsOwnIdsAndGetsTheClientsAnswer() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 1, "method": "test/askClient", "params": [:]])
    let question = try await peer.next()
    #expect(question["method"] == "client/question")
    let questionID = try #require(question["id"])
    #expect(questionID.stringValue?.hasPrefix("s") == true)
    peer.send(["jsonrpc": "2.0", "id": questionID, "result": ["answer": "yes"]])
    let reply = try await peer.nextReply()
    #expect(reply["id"] == 1)
    #expect(reply["result"]?["answer"] == "yes")
  }

  @Test func clientReplyWithoutResultCountsAsNull() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 1, "method": "test/askClient", "params": [:]])
    let question = try await peer.next()
    peer.send(["jsonrpc": "2.0", "id": question["id"]!])
    let reply = try await peer.nextReply()
    #expect(reply.objectValue?.keys.contains("result") == true)
    #expect(reply["result"] == .null)
  }

  @Test func clientErrorReplyBecomesTheRequestsError() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 1, "method": "test/askClient", "params": [:]])
    let question = try await peer.next()
    peer.send(["jsonrpc": "2.0", "id": question["id"]!, "error": ["code": 4000, "message": "declined"]])
    let reply = try await peer.nextReply()
    #expect(errorCode(reply) == 4000)
    #expect(reply["error"]?["message"] == "declined")
  }

  @Test func unansweredServerToClientRequestTimesOut() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 1, "method": "test/askClient", "params": ["timeoutMs": 20]])
    _ = try await peer.next()  // the question, deliberately left unanswered
    let reply = try await peer.nextReply()
    #expect(errorCode(reply) == -32603)
    #expect(reply["error"]?["message"]?.stringValue?.contains("did not answer") == true)
  }

  @Test func pendingServerToClientRequestFailsWhenTheConnectionCloses() async throws {
    let peer = try await TestPeer()
    peer.send(["jsonrpc": "2.0", "id": 1, "method": "test/askClient", "params": [:]])
    _ = try await peer.next()
    peer.server.finishInbound()
    let reply = try await peer.nextReply()
    #expect(reply["id"] == 1)
    #expect(errorCode(reply) != nil)
    #expect(await peer.exitCode.value == 0)
  }

  @Test func logMessageIsAWindowLogMessageNotification() async throws {
    let peer = try await TestPeer()
    peer.connection.logMessage(.warning, "careful")
    let message = try await peer.next()
    #expect(message["method"] == "window/logMessage")
    #expect(message["params"]?["type"] == 2)
    #expect(message["params"]?["message"] == "careful")
  }
}
