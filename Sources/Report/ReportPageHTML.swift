import Foundation
import JSON
import Orchestrator

/// Writes a `RunTimeline` as one self-contained HTML document.
///
/// Every piece of journal text goes through `text(_:)` (redacted, then HTML-escaped); the only markup in the
/// output is written here. Styles and the script are inline; the Content-Security-Policy lets the page load
/// nothing, and runs only the script carrying this page's nonce, so even markup that slipped through could
/// not run code.
struct ReportPageHTML {
  let timeline: RunTimeline
  /// The journal's path, for the footer.
  var source: String?
  var recordCount: Int
  var nonce = Self.makeNonce()

  func render() -> String {
    let axis = TimelineAxis(span: timeline.span)
    var out = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
      script-src 'nonce-\(nonce)'; img-src data:; base-uri 'none'; form-action 'none'">
      <meta name="referrer" content="no-referrer">
      <meta name="generator" content="baton report">
      <title>\(text("Baton run \(timeline.runId) · \(timeline.status.rawValue)"))</title>
      <style>\(ReportPageStyle.css)</style>
      </head>
      <body>
      <main>

      """
    out += header()
    out += steps(axis: axis)
    out += answer()
    out += footer()
    out += """
      </main>
      <script nonce="\(nonce)">\(ReportPageStyle.script)</script>
      </body>
      </html>

      """
    return out
  }

  // MARK: header

  private func header() -> String {
    let run = timeline
    var out = "<header class=\"run\">\n<h1>Baton run report</h1>\n"
    out += "<p class=\"task\">\(text(run.task.isEmpty ? "(no task)" : run.task))</p>\n"
    if let objective = run.objective, !objective.isEmpty, objective != run.task {
      out += "<p class=\"objective\">Objective: \(text(objective))</p>\n"
    }
    var facts: [(String, String)] = [
      ("Run", "<code>\(text(run.runId))</code>"),
      ("Status", "<span class=\"badge \(run.status.rawValue)\" id=\"run-status\">\(text(Self.words(run.status)))</span>"),
      ("Started", time(run.startedAt)),
      ("Ended", run.endedAt.map(time) ?? "<span class=\"muted\">not recorded</span>"),
      ("Duration", text(ReportFormat.duration(milliseconds: run.durationMs))),
      (
        "Tokens",
        "<span id=\"tokens-in\">\(ReportFormat.count(run.usage.inputTokens))</span> in · "
          + "<span id=\"tokens-out\">\(ReportFormat.count(run.usage.outputTokens))</span> out"
      ),
      ("Cost", cost()),
    ]
    let subtaskRows = run.rows.filter { $0.kind == .worker || $0.kind == .router }
    if !subtaskRows.isEmpty {
      let completed = subtaskRows.filter { $0.state == .completed }.count
      var counts = "\(completed) of \(subtaskRows.count) completed"
      for state in [RunTimeline.State.failed, .skipped, .cancelled] {
        let count = subtaskRows.filter { $0.state == state }.count
        if count > 0 { counts += " · \(count) \(state.rawValue)" }
      }
      facts.append(("Subtasks", "<span id=\"subtasks\">\(counts)</span>"))
    }
    let models =
      run.models.isEmpty
      ? "<span class=\"muted\">none</span>"
      : run.models.map {
        "<code>\(text($0.name))</code> <span class=\"muted\" title=\"steps\">×\($0.steps)</span>"
      }.joined(separator: "<br>")
    facts.append(("Models", models))
    out += "<dl class=\"facts\">\n"
    for (term, value) in facts { out += "<div><dt>\(term)</dt><dd>\(value)</dd></div>\n" }
    out += "</dl>\n"
    if let error = run.error {
      let failed = [RunStatus.failed, .budgetExceeded, .rejected].contains(run.status)
      out += "<div class=\"notice\(failed ? " error" : "")\" id=\"run-error\">\(text(error))</div>\n"
    }
    for note in run.notes { out += "<div class=\"notice\">\(text(note))</div>\n" }
    if let request = requestJSON() {
      out += "<details class=\"request\"><summary>Request options</summary><pre>\(text(request))</pre></details>\n"
    }
    out += "</header>\n"
    return out
  }

  /// The run's cost, and the models whose calls it leaves out for want of a price.
  private func cost() -> String {
    let total = "<span id=\"cost\">\(text(ReportFormat.cost(timeline.costUSD)))</span>"
    guard !timeline.unpricedModels.isEmpty else { return total }
    let names = timeline.unpricedModels.joined(separator: ", ")
    if timeline.costUSD == 0 {
      return "<span id=\"cost\">unknown</span> <span class=\"muted\">(no known price for \(text(names)))</span>"
    }
    return "\(total) <span class=\"muted\">+ calls to \(text(names)) (no known price)</span>"
  }

  /// The request's options other than the task, as JSON; nil when it has none worth showing.
  private func requestJSON() -> String? {
    guard var request = timeline.request else { return nil }
    request.task = ""
    guard var object = try? JSONCoding.jsonValue(request), case .object(var members) = object else { return nil }
    members["task"] = nil
    if members["stream"] == .bool(false) { members["stream"] = nil }
    if members["approvePlan"] == .bool(false) { members["approvePlan"] = nil }
    guard !members.isEmpty else { return nil }
    object = .object(members)
    return JSONWriter.indented(object)
  }

  // MARK: timeline

  private func steps(axis: TimelineAxis) -> String {
    let tick = Self.percent(axis.step / axis.length * 100)
    var out = "<section class=\"timeline\" style=\"--tick: \(tick)%\">\n<div class=\"toolbar\"><h2>Timeline</h2>"
    out += "<div class=\"legend\">"
    for (state, label) in [
      (RunTimeline.State.completed, "completed"), (.failed, "failed"), (.retrying, "failed attempt, retried"),
      (.waiting, "backoff wait"), (.skipped, "skipped"), (.cancelled, "cancelled"), (.unfinished, "unfinished"),
    ] {
      out += "<span><i class=\"\(state.rawValue)\"></i>\(label)</span>"
    }
    out += "</div><span class=\"spacer\"></span>"
    out += "<span class=\"js-only\" hidden><button type=\"button\" data-toggle=\"open\">Expand all</button> "
    out += "<button type=\"button\" data-toggle=\"close\">Collapse all</button></span></div>\n"
    out += "<div class=\"steps\">\n<div class=\"grid head\"><span>Step · model</span><span class=\"num\">Time</span>"
    out += "<span class=\"num\">Tokens in / out</span><span class=\"num cost\">Cost</span>"
    out += "<span class=\"num\" title=\"attempts\">Tries</span><span>Status</span><span class=\"axis\">"
    let ticks = axis.ticks
    for (index, tick) in ticks.enumerated() {
      var label = ReportFormat.tick(seconds: tick, length: axis.length)
      if index == ticks.count - 1 { label += " " + ReportFormat.axisUnit(length: axis.length).name }
      out += "<span style=\"left: \(Self.percent(axis.percent(tick)))%\">\(text(label))</span>"
    }
    out += "</span></div>\n"
    if timeline.rows.isEmpty {
      out += "<p class=\"muted\" style=\"padding: 10px 12px\">No step was journaled.</p>\n"
    }
    for (index, row) in timeline.rows.enumerated() {
      out += self.row(row, index: index + 1, axis: axis)
    }
    out += "</div>\n</section>\n"
    return out
  }

  private func row(_ row: RunTimeline.Row, index: Int, axis: TimelineAxis) -> String {
    let state = row.state.rawValue
    var out = "<details class=\"step \(state)\" id=\"step-\(index)\" data-kind=\"\(row.kind.rawValue)\" "
    out += "data-status=\"\(text(row.label))\">\n<summary class=\"grid\">"
    out += "<span class=\"name\"><span class=\"title\" title=\"\(text(row.title))\">\(text(row.title))</span>"
    out += "<span class=\"model\">\(text(row.model ?? (row.kind == .approval ? "plan review" : "—")))</span></span>"
    out += "<span class=\"num\">\(row.durationMs.map { text(ReportFormat.duration(milliseconds: $0)) } ?? "—")</span>"
    if let usage = row.usage {
      out += "<span class=\"num\">\(ReportFormat.count(usage.inputTokens)) "
      out += "<span class=\"sub\">/</span> \(ReportFormat.count(usage.outputTokens))</span>"
    } else {
      out += "<span class=\"num\">—</span>"
    }
    let cost = row.usage == nil ? "—" : ReportFormat.cost(row.costUSD)
    out += "<span class=\"num cost\">\(text(cost))</span>"
    out += "<span class=\"num\">\(row.attempts.map(String.init) ?? "—")</span>"
    out += "<span class=\"status \(state)\">\(text(row.label))</span>"
    out += "<span class=\"track\" role=\"img\" aria-label=\"\(text(trackLabel(row)))\">"
    if let start = row.start, let end = row.end {
      if end - start <= 0 && row.segments.isEmpty {
        out += "<span class=\"seg marker \(state)\" style=\"left: \(Self.percent(axis.percent(start)))%\" "
        out += "title=\"\(text("\(row.label) at +\(ReportFormat.duration(milliseconds: start * 1000))"))\"></span>"
      }
      for segment in row.segments {
        let left = axis.percent(segment.start)
        let width = max(0, axis.percent(segment.end) - left)
        let span = ReportFormat.duration(milliseconds: (segment.end - segment.start) * 1000)
        out += "<span class=\"seg \(segment.state.rawValue)\" style=\"left: \(Self.percent(left))%; "
        out += "width: \(Self.percent(width))%\" title=\"\(text("\(segment.title) (\(span))"))\"></span>"
      }
    }
    out += "</span></summary>\n<div class=\"body\">\n"
    out += body(row)
    out += "</div>\n</details>\n"
    return out
  }

  private func trackLabel(_ row: RunTimeline.Row) -> String {
    guard let start = row.start, let end = row.end else { return "\(row.title): \(row.label), never started" }
    return "\(row.title): \(row.label), from +\(ReportFormat.duration(milliseconds: start * 1000)) "
      + "to +\(ReportFormat.duration(milliseconds: end * 1000))"
  }

  private func body(_ row: RunTimeline.Row) -> String {
    var out = ""
    if let subtask = row.subtask {
      out += "<h3>Subtask</h3><p>\(text(subtask.description))</p>"
      var details: [String] = []
      if let type = subtask.type { details.append("type \(type)") }
      if let dependencies = subtask.dependsOn, !dependencies.isEmpty {
        details.append("depends on \(dependencies.joined(separator: ", "))")
      }
      if !details.isEmpty { out += "<p class=\"muted\">\(text(details.joined(separator: "; ")))</p>" }
      out += "\n"
    }
    if let start = row.start, let end = row.end {
      out += "<p class=\"muted\">From +\(text(ReportFormat.duration(milliseconds: start * 1000))) to "
      out += "+\(text(ReportFormat.duration(milliseconds: end * 1000))) after the run started"
      if let finish = row.finishReason { out += "; finish reason <code>\(text(finish.rawValue))</code>" }
      out += ".</p>\n"
    }
    if let note = row.note { out += "<p class=\"muted\">\(text(note.prefix(1).uppercased() + note.dropFirst())).</p>\n" }
    if row.finishReason == .length {
      out += "<div class=\"notice\">The output hit the token limit and is incomplete.</div>\n"
    }
    if let error = row.error {
      out += "<h3>Error</h3><pre class=\"error\">\(text(error))</pre>\n"
    }
    if !row.retries.isEmpty {
      out += "<h3>Retries</h3><ol class=\"retries\">"
      for retry in row.retries {
        let wait =
          retry.delaySeconds > 0
          ? "; waited \(ReportFormat.duration(milliseconds: retry.delaySeconds * 1000))" : "; moved on at once"
        out += "<li value=\"\(retry.attempt)\">Attempt \(retry.attempt) on <code>\(text(retry.model))</code> failed "
        out += "at +\(text(ReportFormat.duration(milliseconds: retry.at * 1000))): "
        out += "<span class=\"reason\">\(text(retry.reason))</span>\(text(wait))</li>"
      }
      out += "</ol>\n"
    }
    guard row.kind != .approval else { return out }
    out += "<div class=\"io\">\n<div class=\"input\"><h3>Input</h3>"
    if row.system == nil && row.messages.isEmpty {
      out += "<p class=\"muted\">No prompt was journaled for this step.</p>"
    }
    if let system = row.system {
      out += "<div class=\"role\">system</div><pre class=\"prompt\">\(text(system))</pre>"
    }
    for message in row.messages {
      var role = message.role.rawValue
      if let id = message.toolCallId { role += " (tool call \(id))" }
      out += "<div class=\"role\">\(text(role))</div><pre class=\"prompt\">\(text(message.content))</pre>"
      for call in message.toolCalls ?? [] {
        out += "<div class=\"role\">\(text("tool call \(call.id): \(call.name)"))</div>"
        out += "<pre class=\"prompt\">\(text(JSONText.encode(call.arguments)))</pre>"
      }
    }
    out += "</div>\n<div class=\"output\"><h3>Output</h3>"
    if let output = row.output {
      out += "<pre class=\"output-text\">\(text(output))</pre>"
    } else if let json = row.json {
      out += "<pre class=\"output-text\">\(text(JSONText.encode(json)))</pre>"
    } else {
      out += "<p class=\"muted\">No output.</p>"
    }
    out += "</div>\n</div>\n"
    return out
  }

  // MARK: answer and footer

  private func answer() -> String {
    guard let output = timeline.output else { return "" }
    return "<section><h2>Answer</h2><div class=\"answer\" id=\"answer\">\(text(output))</div></section>\n"
  }

  private func footer() -> String {
    var out = "<footer>Rendered by <code>baton report</code> from "
    out += source.map { "<code>\(text($0))</code>" } ?? "a run journal"
    out += " (\(recordCount) records). Times are UTC; bars start at the run's start.</footer>\n"
    return out
  }

  // MARK: helpers

  /// Journal text made safe for the page: credentials masked, then HTML-escaped.
  private func text(_ value: some StringProtocol) -> String {
    HTMLText.escape(ReportRedaction.redact(String(value)))
  }

  private func time(_ secondsSince1970: Double) -> String {
    "<time datetime=\"\(ReportFormat.iso8601(secondsSince1970))\">\(ReportFormat.timestamp(secondsSince1970))</time>"
  }

  private static func words(_ status: RunStatus) -> String {
    switch status {
    case .budgetExceeded: return "budget exceeded"
    default: return status.rawValue
    }
  }

  /// A CSS percentage with three decimals, locale-independent.
  static func percent(_ value: Double) -> String {
    String(format: "%.3f", min(100, max(0, value.isFinite ? value : 0)))
  }

  static func makeNonce() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<2).map { _ in String(generator.next() as UInt64, radix: 36) }.joined()
  }
}
