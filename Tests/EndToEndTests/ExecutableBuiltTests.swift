import Foundation
import Testing

/// End-to-end tests spawn the `baton` executable that SwiftPM builds next to the test runner.
@Suite struct ExecutableBuiltTests {
  @Test func batonExecutableSitsNextToTheTestRunner() {
    let runnerDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let executable = runnerDirectory.appendingPathComponent("baton").path
    #expect(FileManager.default.isExecutableFile(atPath: executable), "no executable at \(executable)")
  }
}
