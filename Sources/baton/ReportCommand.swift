import Foundation
import Report

/// Options of `baton report <runId>`.
struct ReportOptions: Equatable {
  /// A run id, a prefix matching one run, or `latest`.
  var runId = ""
  var outputPath: String?
  var stateDirectory: String?

  static func parse(_ arguments: ArraySlice<String>) throws -> ReportOptions {
    var options = ReportOptions()
    var remaining = arguments
    while let argument = remaining.popFirst() {
      let (name, inlineValue) = CommandLineOptions.split(argument)
      func value() throws -> String {
        if let inlineValue { return inlineValue }
        guard let next = remaining.popFirst() else { throw UsageError(description: "\(name) needs a value") }
        return next
      }
      switch name {
      case "--out", "-o": options.outputPath = try value()
      case "--state-dir": options.stateDirectory = try value()
      default:
        guard !argument.hasPrefix("-"), options.runId.isEmpty else {
          throw UsageError(description: "unknown option '\(argument)' for report")
        }
        options.runId = argument
      }
    }
    guard !options.runId.isEmpty else { throw UsageError(description: "report needs a run id (or 'latest')") }
    return options
  }
}

/// `baton report <runId>`: a run's journal as one self-contained HTML page (a timeline of every step
/// with its input and output), written to `--out` or to `<runId>.html` in the current directory.
enum ReportCommand {
  static func execute(_ options: ReportOptions) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    let stateDirectory = StateDirectory.resolve(explicit: options.stateDirectory, environment: environment)
    do {
      let journal = try RunReportPage.journalPath(runId: options.runId, stateDirectory: stateDirectory)
      let html = try RunReportPage.html(forJournalAt: journal)
      let runId = URL(fileURLWithPath: journal).deletingPathExtension().lastPathComponent
      let output = options.outputPath ?? "\(runId).html"
      try Data(html.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
      StandardError.write("baton: wrote \(output) (from \(journal))\n")
      StandardOutput.write(output + "\n")
      return 0
    } catch let error as ReportPageError {
      StandardError.write("baton: \(error)\n")
      return 1
    } catch {
      StandardError.write("baton: could not write the report: \(error.localizedDescription)\n")
      return 1
    }
  }
}
