import Foundation
import Testing
@testable import Report

/// Renders the journal named by `BATON_REPORT_JOURNAL` to `BATON_REPORT_OUT`: how `scripts/check-report.sh`
/// turns a journal into a page while the `baton report` command is not there. Skipped otherwise.
@Suite struct ReportPageFileTests {
  static let environment = ProcessInfo.processInfo.environment

  @Test(.enabled(if: environment["BATON_REPORT_JOURNAL"] != nil && environment["BATON_REPORT_OUT"] != nil))
  func renderJournalNamedByEnvironment() throws {
    let journal = try #require(Self.environment["BATON_REPORT_JOURNAL"])
    let out = try #require(Self.environment["BATON_REPORT_OUT"])
    let html = try RunReportPage.html(forJournalAt: journal)
    try html.write(toFile: out, atomically: true, encoding: .utf8)
  }
}
