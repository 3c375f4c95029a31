import Foundation
import RPC
import Transport

/// A command line that could not be understood; printed with a hint, exit code 2.
struct UsageError: Error, CustomStringConvertible {
  var description: String
}

/// What the user asked `baton` to do.
enum Command: Equatable {
  case serve(ServeOptions)
  case run(RunOptions)
  case report(ReportOptions)
  case help(topic: String?)
  case version
}

/// Options of `baton serve`.
struct ServeOptions: Equatable {
  var framing = FramingChoice.auto
  var maxFrameBytes = 16 * 1024 * 1024
  var logLevel = LogLevel.warning
  var configPath: String?
  var stateDirectory: String?
}

/// Parses arguments by hand: the grammar is small and a dependency is not allowed.
enum CommandLineOptions {
  static func parse(_ arguments: [String]) throws -> Command {
    var remaining = arguments[...]
    if remaining.contains("--version") || remaining.first == "version" { return .version }
    let subcommand: String
    if let first = remaining.first, !first.hasPrefix("-") {
      subcommand = first
      remaining = remaining.dropFirst()
    } else {
      subcommand = "serve"
    }
    if remaining.contains("--help") || remaining.contains("-h") || subcommand == "help" {
      return .help(topic: subcommand == "help" ? remaining.first : subcommand)
    }
    switch subcommand {
    case "serve":
      return .serve(try parseServe(remaining))
    case "run":
      return .run(try RunOptions.parse(remaining))
    case "report":
      return .report(try ReportOptions.parse(remaining))
    default:
      throw UsageError(description: "unknown command '\(subcommand)'")
    }
  }

  private static func parseServe(_ arguments: ArraySlice<String>) throws -> ServeOptions {
    var options = ServeOptions()
    var remaining = arguments
    while let argument = remaining.popFirst() {
      let (name, inlineValue) = split(argument)
      func value() throws -> String {
        if let inlineValue { return inlineValue }
        guard let next = remaining.popFirst() else { throw UsageError(description: "\(name) needs a value") }
        return next
      }
      switch name {
      case "--framing":
        let text = try value()
        guard let choice = FramingChoice(rawValue: text) else {
          throw UsageError(description: "--framing must be auto, lsp or ndjson (got '\(text)')")
        }
        options.framing = choice
      case "--max-frame-bytes":
        let text = try value()
        guard let bytes = Int(text), bytes >= 1024 else {
          throw UsageError(description: "--max-frame-bytes must be a whole number of at least 1024 (got '\(text)')")
        }
        options.maxFrameBytes = bytes
      case "--log-level":
        let text = try value()
        guard let level = LogLevel(name: text) else {
          throw UsageError(description: "--log-level must be off, error, warning, info, debug or trace (got '\(text)')")
        }
        options.logLevel = level
      case "--config":
        options.configPath = try value()
      case "--state-dir":
        options.stateDirectory = try value()
      case "--stdio":
        continue  // what editors pass by habit; stdio is the only transport
      default:
        throw UsageError(description: "unknown option '\(argument)' for serve")
      }
    }
    return options
  }

  /// `--name=value` or `--name`.
  static func split(_ argument: String) -> (String, String?) {
    guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
    return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
  }
}
