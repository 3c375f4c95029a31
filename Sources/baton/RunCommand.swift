#if canImport(Glibc)
  @preconcurrency import Glibc
#endif
import Foundation
import API
import JSON
import LLM
import Orchestrator
import RPC

/// `baton run "task"`: one orchestration in the terminal. Progress on stderr, the synthesis (or with
/// `--json` the whole report) on stdout.
///
/// Exit codes: 0 completed, 1 failed, 2 usage or configuration error, 3 budget exceeded,
/// 4 rejected, 130 cancelled with Ctrl-C.
enum RunCommand {
  static func execute(_ options: RunOptions) async -> Int32 {
    let services: BatonServices
    do {
      services = try Services.make(configPath: options.configPath, stateDirectory: options.stateDirectory)
    } catch {
      StandardError.write("baton: \(error)\n")
      return 2
    }
    let view = options.quiet ? nil : RunProgressView(task: options.task)
    let engine = services.engine
    let run = Task { [request = options.request] in
      try await engine.run(request) { event in view?.observe(event) }
    }
    let interrupts = InterruptWatcher {
      StandardError.write("\nbaton: cancelling (Ctrl-C again to quit at once)…\n")
      run.cancel()
    }
    defer { interrupts.stop() }

    let report: RunReport
    do {
      report = try await run.value
    } catch {
      view?.finish()
      StandardError.write("baton: \(RPCError(error).message)\n")
      return 2
    }
    view?.finish()
    if options.json {
      StandardOutput.write(Self.json(report) + "\n")
    } else if let output = report.output {
      StandardOutput.write(output.hasSuffix("\n") ? output : output + "\n")
    } else {
      Self.printPartialResults(report)
    }
    if let hint = Self.hint(for: report, defaultModel: services.registry.defaultModel) {
      StandardError.write("baton: \(hint)\n")
    }
    if let path = report.journalPath { StandardError.write("baton: journal \(path) (baton report \(report.runId))\n") }
    return exitCode(report.status)
  }

  static func exitCode(_ status: RunStatus) -> Int32 {
    switch status {
    case .completed: return 0
    case .budgetExceeded: return 3
    case .rejected: return 4
    case .cancelled, .interrupted: return 130
    case .failed, .running: return 1
    }
  }

  /// Without a synthesis, what the subtasks did produce is still worth showing.
  private static func printPartialResults(_ report: RunReport) {
    StandardError.write("baton: run \(report.status.rawValue)\(report.error.map { ": \($0)" } ?? "")\n")
    for result in report.results {
      guard let output = result.output else { continue }
      StandardOutput.write("## \(result.subtaskId)\n\(output)\n\n")
    }
  }

  /// The most common first-run problem: the local model is not running.
  private static func hint(for report: RunReport, defaultModel: ModelReference) -> String? {
    guard report.status == .failed, defaultModel.provider == "local",
      (report.error ?? "").contains("connect") || report.results.contains(where: { ($0.error ?? "").contains("connect") })
    else { return nil }
    return "the local model does not answer: start it with `scripts/local-llm.sh start`, or set OPENAI_API_KEY (or another provider's key) or BATON_MODEL"
  }

  private static func json(_ report: RunReport) -> String {
    (try? JSONCoding.jsonValue(report)).map { JSONWriter.indented($0) } ?? "{}"
  }
}
