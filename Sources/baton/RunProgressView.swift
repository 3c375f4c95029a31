#if canImport(Glibc)
  @preconcurrency import Glibc
#endif
import Foundation
import Synchronization
import LLM
import Orchestrator

/// The live view of a run on stderr: a tree of subtasks with state, tokens and elapsed time,
/// redrawn in place on a terminal, one plain line per event otherwise (logs, CI, pipes).
package final class RunProgressView: Sendable {
  private let interactive: Bool
  private let state = Mutex(ViewState())
  /// Rendering happens off the engine's event path, which must not block.
  private let queue = DispatchQueue(label: "baton.progress")
  /// Redraws the elapsed times. Dispatch sources are thread-safe; the type just is not marked Sendable.
  nonisolated(unsafe) private let ticker: DispatchSourceTimer?
  private let output: @Sendable (String) -> Void

  private struct Row {
    var id: String
    var name: String
    var status = "waiting"
    var detail = ""
    var tokens = 0
    var started: ContinuousClock.Instant?
    var finished: ContinuousClock.Instant?
  }

  private struct ViewState {
    var task = ""
    var runId = ""
    var phase = "planning"
    var rows: [Row] = []
    var usage = Usage()
    var costUSD = 0.0
    var started = ContinuousClock.now
    var linesDrawn = 0
  }

  /// - Parameters:
  ///   - interactive: redraw in place (a terminal) rather than print one line per event.
  ///   - output: where the text goes; stderr unless a test captures it.
  init(
    task: String, interactive: Bool = isatty(STDERR_FILENO) == 1,
    output: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
  ) {
    self.interactive = interactive
    self.output = output
    state.withLock { $0.task = task }
    if interactive {
      let timer = DispatchSource.makeTimerSource(queue: queue)
      timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
      ticker = timer
      timer.setEventHandler { [weak self] in self?.redraw() }
      timer.resume()
    } else {
      ticker = nil
      output("baton: \(task)\n")
    }
  }

  /// Called by the engine for every event, in order.
  func observe(_ event: RunEvent) {
    queue.async { [self] in
      let line = state.withLock { apply(event, to: &$0) }
      if interactive { redraw() } else if let line { output(line + "\n") }
    }
  }

  /// Stops redrawing and leaves the final picture on screen.
  func finish() {
    queue.sync {
      ticker?.cancel()
      if interactive { redraw() }
    }
  }

  /// Updates the state; returns the plain line to print for this event, if it deserves one.
  private func apply(_ event: RunEvent, to view: inout ViewState) -> String? {
    view.runId = event.runId
    let now = ContinuousClock.now
    switch event.payload {
    case .planReady(let plan):
      view.phase = "running"
      view.rows = plan.subtasks.map { Row(id: $0.id, name: $0.name) }
      return "plan ready: \(plan.subtasks.count) subtasks (\(plan.subtasks.map(\.name).joined(separator: "; ")))"
    case .subtaskStarted(let id, let name, let model):
      update(&view, id) {
        $0.status = "running"
        $0.started = now
      }
      return "[\(id)] \(name): started\(model.map { " on \($0)" } ?? "")"
    case .subtaskDelta:
      return nil
    case .subtaskCompleted(let outcome, _), .subtaskFailed(let outcome, _), .subtaskSkipped(let outcome, _):
      update(&view, outcome.subtaskId) {
        $0.status = outcome.status.rawValue
        $0.tokens = outcome.usage.totalTokens
        $0.finished = now
        $0.detail = outcome.error ?? ""
      }
      let tokens = outcome.usage.totalTokens > 0 ? ", \(outcome.usage.totalTokens) tokens" : ""
      let why = outcome.error.map { ": \($0)" } ?? ""
      return "[\(outcome.subtaskId)] \(outcome.status.rawValue) (\(Self.seconds(outcome.durationMs / 1000))\(tokens))\(why)"
    case .retrying(let id, let role, let attempt, let reason, let delay, _):
      if let id { update(&view, id) { $0.detail = "retry after attempt \(attempt): \(reason)" } }
      return "[\(id ?? role.rawValue)] attempt \(attempt) failed (\(reason)); retrying in \(Self.seconds(delay))"
    case .synthesisStarted:
      view.phase = "synthesizing"
      return "synthesizing"
    case .synthesisDelta:
      return nil
    case .usage(let usage, let cost):
      view.usage = usage
      view.costUSD = cost
      return nil
    case .runCompleted(let status, let error):
      view.phase = status.rawValue
      return "run \(status.rawValue)\(error.map { ": \($0)" } ?? "") · \(Self.totals(view))"
    }
  }

  private func update(_ view: inout ViewState, _ id: String, _ change: (inout Row) -> Void) {
    if let index = view.rows.firstIndex(where: { $0.id == id }) { change(&view.rows[index]) }
  }

  private func redraw() {
    let (frame, previous) = state.withLock { view -> ([String], Int) in
      let lines = render(view)
      defer { view.linesDrawn = lines.count }
      return (lines, view.linesDrawn)
    }
    // Move up over the previous frame, clear to the end of the screen, draw the new one.
    var text = previous > 0 ? "\u{1B}[\(previous)F\u{1B}[J" : ""
    text += frame.joined(separator: "\n") + "\n"
    output(text)
  }

  private func render(_ view: ViewState) -> [String] {
    let now = ContinuousClock.now
    let width = max(20, min(48, view.rows.map(\.name.count).max() ?? 20))
    var lines = ["baton · \(view.task.prefix(70)) · \(view.phase) · \(Self.seconds(Self.elapsed(view.started, now)))"]
    let spin = Self.spinner(Self.elapsed(view.started, now))
    if view.rows.isEmpty { lines.append("  \(spin) planning…") }
    for row in view.rows {
      let symbol: String
      switch row.status {
      case "completed": symbol = "✔"
      case "failed": symbol = "✘"
      case "skipped", "cancelled": symbol = "–"
      case "running": symbol = spin
      default: symbol = "·"
      }
      let elapsed = row.started.map { Self.seconds(Self.elapsed($0, row.finished ?? now)) } ?? ""
      let tokens = row.tokens > 0 ? "\(row.tokens) tok" : ""
      let name = row.name.count > width ? String(row.name.prefix(width - 1)) + "…" : row.name
      var line = "  \(symbol) \(row.id.padding(toLength: 4, withPad: " ", startingAt: 0)) "
      line += name.padding(toLength: width, withPad: " ", startingAt: 0)
      line += " \(row.status.padding(toLength: 9, withPad: " ", startingAt: 0)) \(tokens.padding(toLength: 9, withPad: " ", startingAt: 0)) \(elapsed)"
      if !row.detail.isEmpty { line += "  \(row.detail.prefix(60))" }
      lines.append(line)
    }
    lines.append("  \(Self.totals(view))")
    return lines
  }

  private static func totals(_ view: ViewState) -> String {
    "tokens \(view.usage.inputTokens) in / \(view.usage.outputTokens) out · $\(String(format: "%.4f", view.costUSD))"
  }

  private static func elapsed(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> Double {
    let parts = (to - from).components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
  }

  private static func seconds(_ value: Double) -> String { String(format: "%.1fs", value) }

  private static func spinner(_ elapsedSeconds: Double) -> String {
    let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    return frames[Int(elapsedSeconds * 8) % frames.count]
  }
}
