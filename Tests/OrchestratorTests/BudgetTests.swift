import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct BudgetTests {
  /// Four independent parts; each worker reports `workerUsage`.
  static func team(workerUsage: Usage) -> FakeProvider {
    FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner:
        return .text(
          planJSON((1...4).map { ("s\($0)", "part \($0)", []) }), usage: Usage(inputTokens: 100, outputTokens: 50))
      case .synthesizer: return .text("final")
      default: return .text("ok", usage: workerUsage)
      }
    }
  }

  @Test func tokenBudgetStopsBeforeACallThatWouldExceedIt() async throws {
    // Each worker call is estimated at its prompt / 4 plus 1024 output tokens and actually uses 1000 tokens.
    // After the plan (150) and two workers (2150 spent), a third would pass 3000, so it never starts.
    let provider = Self.team(workerUsage: Usage(inputTokens: 500, outputTokens: 500))
    let engine = makeEngine([provider])
    let recorder = EventRecorder()
    let report = try await engine.run(
      RunRequest(task: "t", concurrency: 1, budget: Budget(maxTokens: 3000)), events: recorder.sink)

    #expect(report.status == .budgetExceeded)
    #expect(report.results.map(\.status) == [.completed, .completed, .skipped, .skipped])
    #expect(report.results[2].error?.contains("budget of 3000 tokens") == true)
    #expect(report.results[3].error?.hasPrefix("not started: the budget is exhausted") == true)
    #expect(report.error?.contains("3000 tokens") == true)
    #expect(report.usage.totalTokens == 2150)
    #expect(report.usage.totalTokens <= 3000)
    // The refused call never reached the provider, and there was no synthesis.
    #expect(provider.calls.count == 3)
    #expect(recorder.types.last == .runCompleted)
  }

  @Test func costBudgetUsesThePriceOfTheModel() async throws {
    // $1 per million output tokens: the planner's reservation is about $0.0015, each worker's about $0.001.
    let provider = Self.team(workerUsage: Usage(inputTokens: 0, outputTokens: 1000))
    let engine = makeEngine([provider]) {
      $0.prices["fake:default"] = ModelPrice(inputPerMTok: 0, outputPerMTok: 1)
    }
    let report = try await engine.run(RunRequest(task: "t", concurrency: 1, budget: Budget(maxCostUSD: 0.0025)))

    #expect(report.status == .budgetExceeded)
    #expect(report.results.map(\.status) == [.completed, .completed, .skipped, .skipped])
    #expect(abs(report.costUSD - 0.00205) < 1e-12)
    #expect(report.unpricedModels == nil)
  }

  @Test func unknownPriceLeavesOnlyTheTokenBudgetAndSaysSo() async throws {
    let provider = Self.team(workerUsage: Usage(inputTokens: 10, outputTokens: 10))
    let engine = makeEngine([provider])
    let report = try await engine.run(RunRequest(task: "t", budget: Budget(maxCostUSD: 0.000001)))

    #expect(report.status == .completed)
    #expect(report.costUSD == 0)
    #expect(report.unpricedModels == ["fake:default"])
  }

  @Test func ledgerCountsCallsInFlightAgainstTheBudget() throws {
    let ledger = RunLedger(budget: Budget(maxTokens: 1000))
    let first = try ledger.reserve(tokens: 600, cost: nil, model: "m")
    #expect(throws: EngineError.self) { _ = try ledger.reserve(tokens: 600, cost: nil, model: "m") }
    ledger.settle(first, usage: Usage(inputTokens: 100, outputTokens: 100), cost: nil)
    _ = try ledger.reserve(tokens: 600, cost: nil, model: "m")
    #expect(ledger.totals.usage.totalTokens == 200)
    #expect(ledger.exceededReason?.contains("600 reserved") == true)
  }

  @Test func defaultPricesMatchDatedModelIdsByPrefix() {
    let table = PriceTable(ModelPrice.defaults)
    func price(_ name: String) -> ModelPrice? { table.price(for: ModelReference(parsing: name)!) }
    #expect(price("openai:gpt-4o-mini-2024-07-18") == ModelPrice.defaults["gpt-4o-mini"])
    #expect(price("openai:gpt-4o") == ModelPrice.defaults["gpt-4o"])
    #expect(price("anthropic:claude-sonnet-4-5-20250929") == ModelPrice.defaults["claude-sonnet-4-5"])
    #expect(price("anthropic:claude-sonnet-4-20250514") == ModelPrice.defaults["claude-sonnet-4"])
    #expect(price("groq:llama-3.3-70b-versatile") == ModelPrice.defaults["llama-3.3-70b-versatile"])
    #expect(price("local:smollm2-135m") == nil)
    #expect(price("openai:gpt-4o1") == nil)
    #expect(ModelPrice(inputPerMTok: 2.5, outputPerMTok: 10).cost(inputTokens: 1000, outputTokens: 100) == 0.0035)
  }
}
