import Testing
@testable import RPC
import TestSupport

/// What the connection does once its replies can no longer be written.
@Suite("Connection with a broken output", .timeLimit(.minutes(1)))
struct BrokenOutputSessionTests {
  @Test func firstFailedWriteEndsTheSessionCancelsWorkAndExitsWithOne() async throws {
    let gate = Gate()
    let started = Arrivals()
    let cancelled = Arrivals()
    var router = Router()
    router.register(WaitMethod.self) { _, _ in
      await started.arrive()
      do {
        try await gate.waitUnlessCancelled()
      } catch {
        await cancelled.arrive()
        throw error
      }
      return "released"
    }
    router.register(EchoMethod.self) { params, _ in EchoMethod.Result(echoed: params.text) }
    let peer = try await RPCTestClient(router: router)
    peer.sendRequest(1, "test/wait")
    await started.wait(for: 1)
    peer.client.stopReading()
    // Its reply is the first write that fails.
    peer.sendRequest(2, "test/echo", ["text": "nobody hears this"])
    // A time limit ends the session by hand (code -1), so a regression fails instead of hanging.
    let exitCode = await withTaskCancellationHandler {
      await peer.exitCode.value
    } onCancel: {
      peer.connection.terminate(exitCode: -1)
    }
    #expect(exitCode == 1)
    // The session waited for its handlers, so the cancelled one has arrived by now.
    await cancelled.wait(for: 1)
  }
}
