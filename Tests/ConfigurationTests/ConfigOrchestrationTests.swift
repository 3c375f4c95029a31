import Foundation
import Testing
@testable import Configuration
@testable import EngineTestSupport
@testable import JSON
@testable import LLM
@testable import Orchestrator

/// The configuration file's engine settings (`orchestration` and the rest): reading, errors, precedence, and
/// that the engine uses them.
@Suite(.timeLimit(.minutes(1)))
struct ConfigOrchestrationTests {
  static let example = """
    {
      "roles": {"worker": "openai:gpt-4o-mini"},
      "orchestration": {
        "concurrency": 3, "maxSubtasks": 5, "repairAttempts": 0, "retainedRuns": 20,
        "roles": {
          "planner": {"fallbacks": ["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"], "maxTokens": 2048, "temperature": 0.2},
          "worker": {"maxTokens": 900},
          "synthesizer": {"temperature": 0.7},
          "router": {"fallbacks": []}
        },
        "workerModelsByType": {"code": "anthropic:claude-sonnet-4-5", "research": "openai:gpt-4o-mini"},
        "retry": {"maxAttempts": 3, "baseDelaySeconds": 0.25, "maxDelaySeconds": 10, "attemptTimeoutSeconds": 90},
        "templates": {"planner": "Plan {task} in at most {maxSubtasks} parts; {{literal}}", "worker": "Do {subtask}."}
      }
    }
    """

  static func parse(_ json: String) throws(ConfigurationError) -> ConfigurationFile {
    try ConfigurationFile.parse(Data(json.utf8), path: "baton.json")
  }

  /// The engine configuration a file describes, merged with an environment whose key makes OpenAI the
  /// default provider (so the local model's short limits stay out of the way).
  static func engine(_ json: String) throws(ConfigurationError) -> EngineConfiguration {
    try ProviderConfiguration(file: parse(json), environment: ["OPENAI_API_KEY": "sk-test"]).engine
  }

  // MARK: Reading

  @Test func aFileWithoutTheSectionHasNone() throws {
    #expect(try Self.parse(#"{"roles":{"worker":"openai:gpt-4o"}}"#).orchestration == nil)
    #expect(try Self.engine(#"{"orchestration":{}}"#) == EngineConfiguration())
  }

  @Test func aNullAttemptTimeoutTurnsTheLimitOff() throws {
    let engine = try Self.engine(#"{"orchestration":{"retry":{"attemptTimeoutSeconds":null}}}"#)
    #expect(engine.retry.attemptTimeoutSeconds == nil)
  }

  @Test func theTopLevelSectionsReachTheEngine() throws {
    let engine = try Self.engine(
      #"""
      {"roles": {"worker": "openai:gpt-4o-mini"},
       "rateLimits": {"openai": {"requestsPerMinute": 500}},
       "prices": {"local:smollm2-135m": {"inputPerMTok": 0, "outputPerMTok": 0}},
       "orchestration": {"concurrency": 16, "roles": {"worker": {"fallbacks": ["groq:llama-3.1-8b-instant"]}},
                         "retry": {"maxAttempts": 3, "attemptTimeoutSeconds": null}}}
      """#)
    let defaults = EngineConfiguration()
    #expect(
      engine.worker
        == RoleConfiguration(
          model: "openai:gpt-4o-mini", fallbacks: ["groq:llama-3.1-8b-instant"], maxTokens: defaults.worker.maxTokens))
    #expect(engine.concurrency == 16)
    #expect(engine.rateLimits == ["openai": RateLimit(requestsPerMinute: 500)])
    // Configured prices are added to the built-in table, not put in its place.
    #expect(engine.prices["local:smollm2-135m"] == ModelPrice(inputPerMTok: 0, outputPerMTok: 0))
    #expect(engine.prices["gpt-4o"] == ModelPrice.defaults["gpt-4o"])
    #expect(engine.retry == RetryPolicy(maxAttempts: 3, attemptTimeoutSeconds: nil))
    #expect(engine.planner == defaults.planner)
  }

  @Test func onlyABaseTheFileSetsBoundsTheMaximumDelay() throws {
    // Below the default base of 0.5 s: every wait is just shorter.
    #expect(try Self.engine(#"{"orchestration":{"retry":{"maxDelaySeconds":0.25}}}"#).retry.maxDelaySeconds == 0.25)
  }

  @Test(arguments: [
    (#"{"orchestration":[]}"#, "baton.json: orchestration: expected an object, got array"),
    (#"{"orchestration":{"parallelism":4}}"#, "baton.json: orchestration.parallelism: unknown key (expected one of: concurrency, maxSubtasks, repairAttempts, retainedRuns, roles, workerModelsByType, retry, templates)"),
    (#"{"orchestration":{"concurrency":0}}"#, "baton.json: orchestration.concurrency: must be between 1 and 4096, got 0"),
    (#"{"orchestration":{"concurrency":2.5}}"#, "baton.json: orchestration.concurrency: expected a whole number, got 2.5"),
    (#"{"orchestration":{"maxSubtasks":"8"}}"#, "baton.json: orchestration.maxSubtasks: expected a whole number, got string"),
    (#"{"orchestration":{"repairAttempts":-1}}"#, "baton.json: orchestration.repairAttempts: must be between 0 and 100, got -1"),
    (#"{"orchestration":{"concurrency":9223372036854775807}}"#, "baton.json: orchestration.concurrency: must be between 1 and 4096, got 9223372036854775807"),
    (#"{"orchestration":{"maxSubtasks":4611686018427387904}}"#, "baton.json: orchestration.maxSubtasks: must be between 1 and 1000, got 4611686018427387904"),
    (#"{"orchestration":{"retry":{"attemptTimeoutSeconds":1e300}}}"#, "baton.json: orchestration.retry.attemptTimeoutSeconds: must be greater than 0 and at most 31536000 (a year), got 1e+300"),
    (#"{"orchestration":{"retry":{"maxDelaySeconds":1e300}}}"#, "baton.json: orchestration.retry.maxDelaySeconds: must be between 0 and 86400, got 1e+300"),
    (#"{"orchestration":{"retainedRuns":0}}"#, "baton.json: orchestration.retainedRuns: must be between 1 and 1000000, got 0"),
    (#"{"orchestration":{"roles":{"judge":{}}}}"#, "baton.json: orchestration.roles.judge: unknown key (expected one of: planner, worker, synthesizer, router)"),
    (#"{"orchestration":{"roles":{"worker":"openai:gpt-4o"}}}"#, "baton.json: orchestration.roles.worker: expected an object, got string"),
    (#"{"orchestration":{"roles":{"worker":{"model":"openai:gpt-4o"}}}}"#, "baton.json: orchestration.roles.worker.model: set the role's model in roles.worker, not here"),
    (#"{"orchestration":{"roles":{"worker":{"topP":1}}}}"#, "baton.json: orchestration.roles.worker.topP: unknown key (expected one of: fallbacks, maxTokens, temperature)"),
    (#"{"orchestration":{"roles":{"planner":{"fallbacks":"openai:gpt-4o"}}}}"#, #"baton.json: orchestration.roles.planner.fallbacks: expected an array of "provider:model" strings, got string"#),
    (#"{"orchestration":{"roles":{"planner":{"fallbacks":["openai:gpt-4o","gpt-4o"]}}}}"#, #"baton.json: orchestration.roles.planner.fallbacks[1]: expected "provider:model" (e.g. "openai:gpt-4o-mini"), got "gpt-4o""#),
    (#"{"orchestration":{"roles":{"worker":{"maxTokens":0}}}}"#, "baton.json: orchestration.roles.worker.maxTokens: must be between 1 and 1000000, got 0"),
    (#"{"orchestration":{"roles":{"worker":{"temperature":2.5}}}}"#, "baton.json: orchestration.roles.worker.temperature: must be between 0 and 2, got 2.5"),
    (#"{"orchestration":{"roles":{"worker":{"temperature":-0.1}}}}"#, "baton.json: orchestration.roles.worker.temperature: must be between 0 and 2, got -0.1"),
    (#"{"orchestration":{"roles":{"worker":{"temperature":"hot"}}}}"#, "baton.json: orchestration.roles.worker.temperature: expected a number, got string"),
    (#"{"orchestration":{"workerModelsByType":{"code":"sonnet"}}}"#, #"baton.json: orchestration.workerModelsByType.code: expected "provider:model" (e.g. "openai:gpt-4o-mini"), got "sonnet""#),
    (#"{"orchestration":{"workerModelsByType":{"":"openai:gpt-4o"}}}"#, "baton.json: orchestration.workerModelsByType.: a subtask type must not be empty"),
    (#"{"orchestration":{"retry":{"maxAttempts":0}}}"#, "baton.json: orchestration.retry.maxAttempts: must be between 1 and 100, got 0"),
    (#"{"orchestration":{"retry":{"baseDelaySeconds":-1}}}"#, "baton.json: orchestration.retry.baseDelaySeconds: must be between 0 and 86400, got -1"),
    (#"{"orchestration":{"retry":{"baseDelaySeconds":2,"maxDelaySeconds":1}}}"#, "baton.json: orchestration.retry.maxDelaySeconds: must not be less than baseDelaySeconds (2.0), got 1.0"),
    (#"{"orchestration":{"retry":{"attemptTimeoutSeconds":0}}}"#, "baton.json: orchestration.retry.attemptTimeoutSeconds: must be greater than 0 and at most 31536000 (a year), got 0"),
    (#"{"orchestration":{"retry":{"jitter":true}}}"#, "baton.json: orchestration.retry.jitter: unknown key (expected one of: maxAttempts, baseDelaySeconds, maxDelaySeconds, attemptTimeoutSeconds)"),
    (#"{"orchestration":{"templates":{"router":"x"}}}"#, "baton.json: orchestration.templates.router: unknown key (expected one of: planner, worker, synthesizer)"),
    (#"{"orchestration":{"templates":{"worker":""}}}"#, "baton.json: orchestration.templates.worker: must not be empty"),
    (#"{"orchestration":{"templates":{"worker":7}}}"#, "baton.json: orchestration.templates.worker: expected a string, got number"),
    (#"{"orchestration":{"templates":{"planner":"Plan {task"}}}"#, #"baton.json: orchestration.templates.planner: unescaped "{" at character 5 ("{task"); write {{ for a literal brace"#),
    (#"{"orchestration":{"templates":{"synthesizer":"Use {a b}"}}}"#, #"baton.json: orchestration.templates.synthesizer: unescaped "{" at character 4 ("{a b}"); write {{ for a literal brace"#),
  ])
  func errorsNameTheFileTheKeyPathAndTheProblem(json: String, message: String) {
    do {
      _ = try Self.engine(json)
      Issue.record("reading should fail: \(json)")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test(arguments: [
    (#"{"orchestration":{"roles":{"planner":{"fallbacks":["openai:gpt-4o","vllm:qwen"]}}}}"#, "baton.json: orchestration.roles.planner.fallbacks[1]: unknown provider 'vllm' (configured: anthropic, bedrock, gemini, groq, local, ollama, openai, openrouter, together)"),
    (#"{"orchestration":{"workerModelsByType":{"code":"azure:gpt-4o"}}}"#, "baton.json: orchestration.workerModelsByType.code: unknown provider 'azure' (configured: anthropic, bedrock, gemini, groq, local, ollama, openai, openrouter, together)"),
  ])
  func modelsNeedAConfiguredProvider(json: String, message: String) throws {
    let file = try Self.parse(json)
    do {
      _ = try ProviderConfiguration(file: file, environment: [:])
      Issue.record("merging should fail")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func aProviderTheFileAddsMayBeNamed() throws {
    let json = #"""
      {"providers": {"vllm": {"kind": "openai", "baseURL": "http://10.0.0.5:8000/v1"}},
       "orchestration": {"roles": {"worker": {"fallbacks": ["vllm:qwen"]}}}}
      """#
    #expect(try Self.engine(json).worker.fallbacks == ["vllm:qwen"])
  }

  /// The JSON examples in `docs/configuration.md` (a bare `"orchestration": {...}` fragment is wrapped in braces).
  @Test func theDocumentedExamplesAreValid() throws {
    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    let blocks = text.components(separatedBy: "```json\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    #expect(blocks.count >= 2)
    for block in blocks {
      let json = block.hasPrefix("{") ? block : "{" + block + "}"
      let file = try Self.parse(json)
      _ = try ProviderConfiguration(file: file, environment: [:])
    }
    #expect(blocks.contains { $0.hasPrefix("\"orchestration\"") })
  }

  // MARK: Precedence

  @Test func withoutAFileTheEngineKeepsItsDefaults() throws {
    let configuration = try ProviderConfiguration(file: nil, environment: ["OPENAI_API_KEY": "sk-test"])
    #expect(configuration.engine == EngineConfiguration())
  }

  @Test func theLocalModelGetsShortAnswersUnlessTheFileSaysOtherwise() throws {
    let local = try ProviderConfiguration(file: nil, environment: [:])
    let shortened = local.engine
    #expect(shortened.worker.maxTokens == 320)
    #expect(shortened.synthesizer.maxTokens == 480)

    let file = try Self.parse(#"{"orchestration":{"roles":{"worker":{"maxTokens":2000}}}}"#)
    let explicit = try ProviderConfiguration(file: file, environment: [:]).engine
    #expect(explicit.worker.maxTokens == 2000)
    #expect(explicit.synthesizer.maxTokens == 480)
  }

  @Test func theFileOverridesOnlyWhatItSets() throws {
    let engine = try Self.engine(Self.example)
    let defaults = EngineConfiguration()

    #expect(engine.concurrency == 3)
    #expect(engine.maxSubtasks == 5)
    #expect(engine.repairAttempts == 0)
    #expect(engine.retainedRuns == 20)
    #expect(
      engine.planner
        == RoleConfiguration(
          fallbacks: ["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"], maxTokens: 2048, temperature: 0.2))
    // The model comes from the top-level `roles`; the rest from `orchestration.roles`.
    #expect(engine.worker == RoleConfiguration(model: "openai:gpt-4o-mini", maxTokens: 900))
    #expect(engine.synthesizer == RoleConfiguration(maxTokens: defaults.synthesizer.maxTokens, temperature: 0.7))
    #expect(engine.router == defaults.router)
    #expect(engine.workerModelsByType == ["code": "anthropic:claude-sonnet-4-5", "research": "openai:gpt-4o-mini"])
    #expect(
      engine.retry
        == RetryPolicy(maxAttempts: 3, baseDelaySeconds: 0.25, maxDelaySeconds: 10, attemptTimeoutSeconds: 90))
    #expect(engine.templates.planner == "Plan {task} in at most {maxSubtasks} parts; {{literal}}")
    #expect(engine.templates.worker == "Do {subtask}.")
    #expect(engine.templates.synthesizer == nil)
    #expect(engine.prices == defaults.prices)
    #expect(engine.stateDirectory == nil)  // the command line's to set
  }

  @Test func aPartialRetrySectionKeepsTheOtherDefaults() throws {
    let engine = try Self.engine(#"{"orchestration":{"retry":{"maxDelaySeconds":5}}}"#)
    #expect(engine.retry == RetryPolicy(maxDelaySeconds: 5))
  }

  // MARK: The engine uses it

  /// A file naming the fake providers (any kind and URL will do: the engine resolves models through `FakeModels`).
  static func engineConfiguration(_ orchestration: String) throws -> EngineConfiguration {
    let json = """
      {"providers": {"fake": {"kind": "openai", "baseURL": "http://127.0.0.1:9/v1"},
                     "backup": {"kind": "openai", "baseURL": "http://127.0.0.1:9/v1"}},
       "orchestration": \(orchestration)}
      """
    return try ProviderConfiguration(file: parse(json), environment: [:]).engine
  }

  @Test func aRunRetriesAndFallsBackAsTheFileSays() async throws {
    let configuration = try Self.engineConfiguration("""
      {"retry": {"maxAttempts": 2, "baseDelaySeconds": 4, "attemptTimeoutSeconds": null},
       "roles": {"worker": {"fallbacks": ["backup:steady"], "maxTokens": 77, "temperature": 0.9}}}
      """)
    let clock = TestClock()
    let primary = FakeProvider.retryingTeam { _ in .failure(ProviderError(.serverError, "down", status: 500)) }
    let backup = FakeProvider(name: "backup") { _, _ in .text("from backup") }
    let engine = makeEngine([primary, backup], clock: clock) { $0 = configuration }
    let run = Task { try await engine.run(RunRequest(task: "t")) }

    await clock.waitForSleepers(1)
    #expect(clock.pendingDelays == [2])  // baseDelaySeconds 4, jitter 0.5
    clock.advanceToNextDeadline()
    let report = try await run.value

    #expect(report.status == .completed)
    #expect(report.results[0].model == "backup:steady")
    #expect(report.results[0].attempts == 3)
    #expect(backup.calls.map(\.request.model) == ["steady"])
    #expect(backup.calls.map(\.request.maxTokens) == [77])
    #expect(backup.calls.map(\.request.temperature) == [0.9])
  }

  @Test func aRunUsesTheFilesTemplatesTypesAndPlannerSettings() async throws {
    let configuration = try Self.engineConfiguration("""
      {"maxSubtasks": 3, "retry": {"attemptTimeoutSeconds": null},
       "roles": {"planner": {"maxTokens": 999, "temperature": 0.1}},
       "workerModelsByType": {"code": "backup:coder"},
       "templates": {"worker": "CONFIGURED {subtaskName} of {task} {{x}}"}}
      """)
    let plan = JSONText.encode([
      "objective": "o",
      "subtasks": [
        ["id": "s1", "name": "Write it", "description": "Write the code.", "type": "code"],
        ["id": "s2", "name": "Explain it", "description": "Explain the code.", "dependsOn": ["s1"]],
      ],
    ])
    let primary = FakeProvider(name: "fake") { request, _ in
      switch Role.of(request) {
      case .planner: return .text(plan)
      case .synthesizer: return .text("final")
      default: return .text("general work")
      }
    }
    let backup = FakeProvider(name: "backup") { _, _ in .text("code work") }
    let engine = makeEngine([primary, backup]) { $0 = configuration }
    let report = try await engine.run(RunRequest(task: "the task"))

    #expect(report.status == .completed)
    #expect(report.results.map(\.model) == ["backup:coder", "fake:default"])
    #expect(backup.calls.count == 1)
    #expect(backup.calls[0].prompt.contains("CONFIGURED <input name=\"name\">\nWrite it\n</input> of"))
    #expect(backup.calls[0].prompt.hasSuffix("</input> {x}"))
    let planner = try #require(primary.calls.first { Role.of($0.request) == .planner })
    #expect(planner.request.maxTokens == 999)
    #expect(planner.request.temperature == 0.1)
    #expect(planner.prompt.contains("between 1 and 3 subtasks"))
  }
}
