import Foundation
import API

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

/// The process ends with `_exit`, not `exit`: `exit` runs the atexit handlers, and OpenSSL's (registered
/// by libcurl) frees global state while the HTTP loop thread may still hold it. A core dump of a SIGABRT
/// the fuzzer caught at the end of input (one session in a few thousand) showed exactly that: heap
/// corruption between `OPENSSL_cleanup` and a thread's exit. Everything Baton writes goes out with
/// write(2) and is flushed by the time `runBaton` returns, so there is nothing left for the handlers to do.
let exitCode = await runBaton()
fflush(nil)
_exit(exitCode)
