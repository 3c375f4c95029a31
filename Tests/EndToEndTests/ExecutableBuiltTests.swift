import Foundation
import Testing

/// End-to-end tests spawn the `baton` executable that SwiftPM builds next to the test bundle.
@Suite struct ExecutableBuiltTests {
  @Test func batonExecutableSitsNextToTheTestBundle() {
    let directory = Bundle.main.bundleURL.deletingLastPathComponent().path
    let candidates = [directory + "/baton", Bundle.main.bundleURL.path + "/../baton"]
    #expect(candidates.contains { FileManager.default.isExecutableFile(atPath: $0) })
  }
}
