// swift-tools-version:6.0
import PackageDescription

/// Baton: a headless LLM-orchestration engine speaking JSON-RPC 2.0 over stdio.
///
/// Each target owns one job. docs/architecture.md is the module map: what each target owns and what it
/// may import. scripts/check-architecture.sh holds this file and every import to that map, so an arrow
/// the map does not draw fails the test command. Arrows point one way, towards the executable.
let package = Package(
  name: "Baton",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "baton", targets: ["baton"]),
    .library(name: "Orchestrator", targets: ["Orchestrator"]),
  ],
  targets: [
    .target(name: "JSON"),
    .target(name: "Secrets"),
    .target(name: "Transport"),
    .target(name: "Timeouts"),
    .target(name: "RPC", dependencies: ["Transport", "JSON", "Secrets", "Timeouts"]),
    /// Non-variadic wrappers around libcurl, loaded with dlopen so no curl headers are needed.
    .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),
    .target(name: "HTTP", dependencies: ["CCurl"]),
    .target(name: "LLM", dependencies: ["JSON"]),
    .target(name: "Providers", dependencies: ["LLM", "HTTP", "JSON", "Secrets"]),
    .target(name: "Orchestrator", dependencies: ["LLM", "JSON", "Secrets", "Timeouts"]),
    .target(
      name: "Configuration", dependencies: ["Orchestrator", "Providers", "LLM", "HTTP", "JSON", "Secrets", "Timeouts"]),
    .target(name: "Report", dependencies: ["Orchestrator", "LLM", "JSON", "Secrets"]),
    .target(name: "API", dependencies: ["RPC", "Orchestrator", "Configuration", "LLM", "JSON"]),
    .executableTarget(
      name: "baton",
      dependencies: ["API", "Report", "Configuration", "Orchestrator", "HTTP", "LLM", "RPC", "Transport", "JSON"]),

    .target(name: "TestSupport", dependencies: ["RPC", "Transport", "JSON"], path: "Tests/TestSupport"),
    .target(name: "EngineTestSupport", dependencies: ["Orchestrator", "LLM", "JSON"], path: "Tests/EngineTestSupport"),
    .target(
      name: "ProviderTestSupport", dependencies: ["Providers", "HTTP", "LLM", "JSON", "Secrets"],
      path: "Tests/ProviderTestSupport"),
    .testTarget(name: "JSONTests", dependencies: ["JSON"]),
    .testTarget(name: "SecretsTests", dependencies: ["Secrets"]),
    .testTarget(name: "TransportTests", dependencies: ["Transport"]),
    .testTarget(name: "TimeoutsTests", dependencies: ["Timeouts"]),
    .testTarget(name: "RPCTests", dependencies: ["RPC", "Transport", "JSON", "TestSupport"]),
    .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
    .testTarget(name: "ProvidersTests", dependencies: ["Providers", "HTTP", "LLM", "Secrets", "ProviderTestSupport"]),
    .testTarget(name: "OrchestratorTests", dependencies: ["Orchestrator", "LLM", "JSON", "EngineTestSupport"]),
    .testTarget(
      name: "ConfigurationTests",
      dependencies: [
        "Configuration", "Orchestrator", "Providers", "LLM", "JSON", "EngineTestSupport", "ProviderTestSupport",
      ]),
    .testTarget(name: "ReportTests", dependencies: ["Report", "Orchestrator", "LLM", "EngineTestSupport"]),
    .testTarget(
      name: "APITests",
      dependencies: ["API", "Configuration", "Orchestrator", "LLM", "JSON", "TestSupport", "EngineTestSupport"]),
    .testTarget(name: "EndToEndTests", dependencies: ["Transport", "JSON", "Orchestrator", "LLM", "baton"]),
  ],
  swiftLanguageModes: [.v6]
)
