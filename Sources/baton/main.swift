import Foundation
import Orchestrator
import RPC
import Transport

/// Entry point: parse the command line, then serve or print.
func runBaton() async -> Int32 {
  let command: Command
  do {
    command = try CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst()))
  } catch {
    StandardError.write("baton: \(error)\nRun 'baton --help' for usage.\n")
    return 2
  }
  switch command {
  case .version:
    StandardOutput.write("baton \(BatonRelease.version) (protocol \(BatonRelease.protocolVersion))\n")
    return 0
  case .help(let topic):
    StandardOutput.write(HelpText.text(for: topic) + "\n")
    return 0
  case .serve(let options):
    return await Server.serve(options)
  case .run(let options):
    return await RunCommand.execute(options)
  case .report(let options):
    return ReportCommand.execute(options)
  }
}

exit(await runBaton())
