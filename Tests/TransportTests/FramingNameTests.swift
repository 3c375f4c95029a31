import Testing
@testable import Transport

/// The framing names are user-facing (`--framing lsp|ndjson`), so they must not drift.
@Suite struct FramingNameTests {
  @Test func rawValuesAreTheCommandLineNames() {
    #expect(Framing(rawValue: "lsp") == .contentLength)
    #expect(Framing(rawValue: "ndjson") == .newline)
    #expect(Framing.allCases.count == 2)
  }
}
