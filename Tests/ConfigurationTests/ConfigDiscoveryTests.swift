import Foundation
import Testing
@testable import Configuration

/// Each test works in its own temporary directory tree: `work/` (the current directory), `home/`
/// (HOME) and `xdg/` (XDG_CONFIG_HOME).
@Suite struct ConfigDiscoveryTests {
  struct Sandbox {
    let root: String
    var work: String { root + "/work" }
    var home: String { root + "/home" }
    var xdg: String { root + "/xdg" }

    init() throws {
      root = NSTemporaryDirectory() + "baton-config-" + UUID().uuidString
      for directory in [root + "/work", root + "/home/.config/baton", root + "/xdg/baton"] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      }
    }

    /// Writes a config whose defaultModel tells the files apart.
    func write(_ path: String, model: String) throws {
      try Data(#"{"defaultModel": "local:\#(model)"}"#.utf8).write(to: URL(fileURLWithPath: path))
    }

    func remove() {
      try? FileManager.default.removeItem(atPath: root)
    }
  }

  func loadedModel(
    _ sandbox: Sandbox, explicit: String? = nil, environment: [String: String] = [:]
  ) throws -> String {
    var environment = environment
    environment["HOME"] = environment["HOME"] ?? sandbox.home
    let configuration = try ProviderConfiguration.load(
      explicitPath: explicit, environment: environment, currentDirectory: sandbox.work)
    return configuration.defaultModel.model
  }

  @Test func precedenceIsExplicitThenEnvironmentThenWorkingDirectoryThenUserConfig() throws {
    let sandbox = try Sandbox()
    defer { sandbox.remove() }
    try sandbox.write(sandbox.home + "/.config/baton/config.json", model: "user")
    #expect(try loadedModel(sandbox) == "user")

    try sandbox.write(sandbox.work + "/baton.json", model: "cwd")
    #expect(try loadedModel(sandbox) == "cwd")

    try sandbox.write(sandbox.root + "/env.json", model: "env")
    #expect(try loadedModel(sandbox, environment: ["BATON_CONFIG": sandbox.root + "/env.json"]) == "env")

    try sandbox.write(sandbox.work + "/explicit.json", model: "explicit")
    #expect(
      try loadedModel(sandbox, explicit: "explicit.json", environment: ["BATON_CONFIG": sandbox.root + "/env.json"])
        == "explicit")
  }

  @Test func xdgConfigHomeReplacesDotConfig() throws {
    let sandbox = try Sandbox()
    defer { sandbox.remove() }
    try sandbox.write(sandbox.home + "/.config/baton/config.json", model: "dotconfig")
    try sandbox.write(sandbox.xdg + "/baton/config.json", model: "xdg")
    #expect(try loadedModel(sandbox, environment: ["XDG_CONFIG_HOME": sandbox.xdg]) == "xdg")
  }

  @Test func noFileAnywhereIsFine() throws {
    let sandbox = try Sandbox()
    defer { sandbox.remove() }
    let configuration = try ProviderConfiguration.load(
      explicitPath: nil, environment: ["HOME": sandbox.home], currentDirectory: sandbox.work)
    #expect(configuration.sourceFile == nil)
    #expect(configuration.defaultModel.description == "local:smollm2-135m")
  }

  @Test func missingRequestedFilesAreErrors() throws {
    let sandbox = try Sandbox()
    defer { sandbox.remove() }
    #expect(throws: ConfigurationError(source: "missing.json", problem: "no such file (given with --config)")) {
      try loadedModel(sandbox, explicit: "missing.json")
    }
    let named = sandbox.root + "/nope.json"
    #expect(throws: ConfigurationError(source: named, problem: "no such file (named by BATON_CONFIG)")) {
      try loadedModel(sandbox, environment: ["BATON_CONFIG": named])
    }
    #expect(throws: ConfigurationError(source: sandbox.home, problem: "is a directory, not a file (given with --config)")) {
      try loadedModel(sandbox, explicit: sandbox.home)
    }
  }

  @Test func tildeUsesTheGivenHome() throws {
    let sandbox = try Sandbox()
    defer { sandbox.remove() }
    try sandbox.write(sandbox.home + "/mine.json", model: "tilde")
    #expect(try loadedModel(sandbox, explicit: "~/mine.json") == "tilde")
  }

  @Test func errorsInTheWorkingDirectoryFileNameItAsBatonJSON() throws {
    let sandbox = try Sandbox()
    defer { sandbox.remove() }
    try Data(#"{"providers":{"openai":{"baseURL":42}}}"#.utf8).write(to: URL(fileURLWithPath: sandbox.work + "/baton.json"))
    #expect(throws: ConfigurationError(source: "baton.json", keyPath: "providers.openai.baseURL", problem: "expected a string, got number")) {
      try loadedModel(sandbox)
    }
  }
}
