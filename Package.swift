// swift-tools-version:6.0
import PackageDescription

/// Baton: a headless LLM-orchestration engine speaking JSON-RPC 2.0 over stdio.
/// Dependency arrows point one way: Transport <- RPC <- Orchestrator <- baton.
let package = Package(
  name: "Baton",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "baton", targets: ["baton"]),
    .library(name: "Orchestrator", targets: ["Orchestrator"]),
  ],
  targets: [
    .target(name: "Transport"),
    .target(name: "RPC", dependencies: ["Transport"]),
    /// Non-variadic wrappers around libcurl, loaded with dlopen so no curl headers are needed (ARCHITECTURE §5.3).
    .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),
    .target(name: "Orchestrator", dependencies: ["RPC", "CCurl"]),
    .executableTarget(name: "baton", dependencies: ["Orchestrator", "RPC", "Transport"]),
    .target(name: "TestSupport", dependencies: ["RPC", "Transport"], path: "Tests/TestSupport"),
    .testTarget(name: "TransportTests", dependencies: ["Transport"]),
    .testTarget(name: "RPCTests", dependencies: ["RPC", "Transport", "TestSupport"]),
    .testTarget(name: "OrchestratorTests", dependencies: ["Orchestrator", "RPC", "Transport", "TestSupport"]),
    .testTarget(name: "EndToEndTests", dependencies: ["RPC", "Transport", "baton"]),
  ],
  swiftLanguageModes: [.v6]
)
