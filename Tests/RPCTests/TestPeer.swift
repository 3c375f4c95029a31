import Foundation
import Testing
@testable import JSON
@testable import RPC
import TestSupport
@testable import Transport

/// Test methods served by the connection under test.
enum EchoMethod: RPCMethod {
  static let name = "test/echo"
  struct Params: Codable, Sendable { var text: String; var times: Int? }
  struct Result: Codable, Sendable { var echoed: String }
}

enum WaitMethod: RPCMethod {
  static let name = "test/wait"
  typealias Result = JSONValue
}

/// Waits for the gate and ignores cancellation, like a handler stuck in a call that cannot be interrupted.
enum StubbornWaitMethod: RPCMethod {
  static let name = "test/waitStubborn"
  typealias Result = JSONValue
}

enum AskClientMethod: RPCMethod {
  static let name = "test/askClient"
  struct Params: Codable, Sendable { var timeoutMs: Int? }
  typealias Result = JSONValue
}

enum ProgressMethod: RPCMethod {
  static let name = "test/progress"
  typealias Params = JSONValue
  typealias Result = JSONValue
}

/// Sends one notification about itself (`test/announced`), then answers.
enum AnnounceMethod: RPCMethod {
  static let name = "test/announce"
  typealias Result = JSONValue
}

enum AnnouncedNotification: RPCNotification {
  static let name = "test/announced"
  struct Params: Encodable, Sendable { var n: Int }
}

/// A connection under test serving the test methods above.
typealias TestPeer = PeerWithTestMethods

final class PeerWithTestMethods: Sendable {
  let gate = Gate()
  let arrivals = Arrivals()
  let client: RPCTestClient

  init(initialize: Bool = true, shutdownGrace: Duration = .seconds(30)) async throws {
    var router = Router()
    let gate = self.gate
    let arrivals = self.arrivals
    router.register(EchoMethod.self) { params, _ in
      EchoMethod.Result(echoed: String(repeating: params.text, count: params.times ?? 1))
    }
    router.register(WaitMethod.self) { _, _ in
      await arrivals.arrive()
      try await gate.waitUnlessCancelled()
      return "released"
    }
    router.register(StubbornWaitMethod.self) { _, _ in
      await arrivals.arrive()
      await gate.wait()
      return "finished anyway"
    }
    router.register(AskClientMethod.self) { params, context in
      try await context.connection.sendRequest(
        method: "client/question", params: ["q": "ready?"],
        timeout: params.timeoutMs.map { .milliseconds($0) })
    }
    router.register(AnnounceMethod.self) { _, context in
      context.notifyAboutRequest(AnnouncedNotification.self, .init(n: 1))
      return "announced"
    }
    router.register(ProgressMethod.self) { _, context in
      context.progress.report(message: "half", percentage: 50)
      context.progress.report(message: "all", percentage: 100)
      return "done"
    }
    client = try await RPCTestClient(router: router, shutdownGrace: shutdownGrace, initialize: initialize)
  }

  var server: InMemoryChannel { client.server }
  var connection: Connection { client.connection }
  var exitCode: Task<Int32, Never> { client.exitCode }
  func send(_ message: JSONValue) { client.send(message) }
  func sendRaw(_ text: String) { client.sendRaw(text) }
  func next() async throws -> JSONValue { try await client.next() }
  func nextReply() async throws -> JSONValue { try await client.nextReply() }
  func request(_ id: JSONValue, _ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
    try await client.request(id, method, params)
  }
  func notify(_ method: String, _ params: JSONValue? = nil) { client.notify(method, params) }
}
