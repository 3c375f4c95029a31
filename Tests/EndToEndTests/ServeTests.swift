import Foundation
import Testing
import Transport

@Suite("baton serve, end to end", .timeLimit(.minutes(1)))
struct ServeTests {
  @Test(arguments: Framing.allCases)
  func lifecycleOverRealPipesInEitherFraming(framing: Framing) async throws {
    let baton = try BatonProcess(framing: framing)
    let initialized = try await baton.initialize()
    #expect(initialized["result"]?["serverInfo"]?["name"] == "baton")
    baton.notify("initialized", [:])
    let status = try await baton.request(1, "baton/status")
    #expect(status["result"]?["framing"] == .string(framing.rawValue))
    #expect(status["result"]?["requestsInFlight"] == 1)
    #expect(try await baton.request(2, "shutdown")["result"] == .null)
    baton.notify("exit")
    #expect(await baton.exitCode() == 0)
  }

  @Test func exitWithoutShutdownExitsWithOne() async throws {
    let baton = try BatonProcess()
    _ = try await baton.initialize()
    baton.notify("exit")
    #expect(await baton.exitCode() == 1)
  }

  @Test func endOfStdinExitsCleanlyAfterAnsweringWhatWasSent() async throws {
    let baton = try BatonProcess()
    baton.send(["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": [:]])
    baton.send(["jsonrpc": "2.0", "id": 2, "method": "baton/status"])
    baton.closeStdin()
    let first = try await baton.nextReply()
    let second = try await baton.nextReply()
    #expect(first["id"] == 1)
    #expect(second["id"] == 2)
    #expect(second["result"]?["version"] != nil)
    #expect(await baton.exitCode() == 0)
  }

  @Test func pipelinedRequestsAreAllAnsweredOnce() async throws {
    let baton = try BatonProcess()
    _ = try await baton.initialize()
    var batch = ""
    for id in 1...500 { batch += #"{"jsonrpc":"2.0","id":\#(id),"method":"baton/status"}"# + "\n" }
    baton.writeRaw(batch)
    var seen = Set<Int>()
    for _ in 1...500 {
      let reply = try await baton.nextReply()
      seen.insert(try #require(reply["id"]?.intValue))
    }
    #expect(seen == Set(1...500))
    baton.closeStdin()
    #expect(await baton.exitCode() == 0)
  }

  @Test func oversizedAndMalformedInputIsAnsweredAndServingGoesOn() async throws {
    let baton = try BatonProcess(arguments: ["serve", "--max-frame-bytes", "1024"])
    _ = try await baton.initialize()
    baton.writeRaw("[" + String(repeating: "1,", count: 2000) + "1]\n")
    let tooLarge = try await baton.nextReply()
    #expect(tooLarge["error"]?["code"] == -32600)
    #expect(tooLarge["id"] == .null)
    baton.writeRaw("{not json}\n")
    #expect(try await baton.nextReply()["error"]?["code"] == -32700)
    #expect(try await baton.request(5, "baton/status")["result"] != nil)
    baton.closeStdin()
    #expect(await baton.exitCode() == 0)
  }

  @Test func lspFrameWithATooLongLengthIsAnsweredAndTheNextFrameIsServed() async throws {
    let baton = try BatonProcess(framing: .contentLength)
    _ = try await baton.initialize()
    let first = #"{"jsonrpc":"2.0","id":1,"method":"baton/status"}"#
    let second = #"{"jsonrpc":"2.0","id":2,"method":"baton/status"}"#
    baton.writeRaw("Content-Length: \(first.utf8.count + 30)\r\n\r\n\(first)")
    baton.writeRaw("Content-Length: \(second.utf8.count)\r\n\r\n\(second)")
    let refused = try await baton.nextReply()
    #expect(refused["error"]?["code"] == -32700)
    #expect(refused["id"] == .null)
    let served = try await baton.nextReply()
    #expect(served["id"] == 2)
    #expect(served["result"]?["framing"] == "lsp")
    baton.closeStdin()
    #expect(await baton.exitCode() == 0)
  }

  @Test func forcedFramingOverridesSniffing() async throws {
    let baton = try BatonProcess(arguments: ["serve", "--framing", "lsp"], framing: .contentLength)
    _ = try await baton.initialize()
    #expect(try await baton.request(1, "baton/status")["result"]?["framing"] == "lsp")
    baton.closeStdin()
    #expect(await baton.exitCode() == 0)
  }

  @Test func exitsWhenTheParentProcessNamedInInitializeDies() async throws {
    let shortLived = Process()
    shortLived.executableURL = URL(fileURLWithPath: "/bin/true")
    try shortLived.run()
    shortLived.waitUntilExit()
    let baton = try BatonProcess()
    let reply = try await baton.request(0, "initialize", ["processId": .int(Int(shortLived.processIdentifier))])
    #expect(reply["result"] != nil)
    // stdin stays open: only the parent watch can end the process.
    #expect(await baton.exitCode() == 1)
    baton.closeStdin()
  }

  @Test func stderrCarriesLogsAndStdoutOnlyProtocol() async throws {
    let baton = try BatonProcess(arguments: ["serve", "--log-level", "debug"])
    _ = try await baton.initialize()
    baton.writeRaw("garbage that is not json\n")
    _ = try await baton.nextReply()
    baton.closeStdin()
    // Every frame on stdout parsed as JSON (next() throws otherwise) and the stream ended cleanly.
    await #expect(throws: BatonProcess.EndToEndError.self) { try await baton.next() }
    #expect(await baton.exitCode() == 0)
    #expect(baton.standardError().contains("baton: "))
  }
}

@Suite("baton command line", .timeLimit(.minutes(1)))
struct CommandLineTests {
  @Test func versionPrintsTheVersion() async throws {
    let result = try await runBatonCommand(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("baton 0."))
  }

  @Test func helpDescribesServe() async throws {
    let general = try await runBatonCommand(["--help"])
    #expect(general.status == 0)
    #expect(general.stdout.contains("USAGE"))
    let serve = try await runBatonCommand(["serve", "--help"])
    #expect(serve.stdout.contains("--framing"))
  }

  @Test func badOptionsAreClearCLIMessagesWithExitCodeTwo() async throws {
    let unknown = try await runBatonCommand(["serve", "--nope"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("unknown option '--nope'"))
    let badFraming = try await runBatonCommand(["serve", "--framing", "xml"])
    #expect(badFraming.status == 2)
    #expect(badFraming.stderr.contains("--framing must be"))
    #expect(badFraming.stdout.isEmpty)
  }
}
