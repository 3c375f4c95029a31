import Foundation
import Testing
@testable import API
@testable import Configuration
@testable import EngineTestSupport
@testable import JSON
@testable import LLM
@testable import Orchestrator
@testable import RPC

/// protocol/examples/ and protocol/schema.json against the real Swift types: every example's params and
/// results decode through the method's own `Params` / `Result` types and encode back to the same JSON, and
/// the error codes, enums and method names are the schema's. Depends on type names only (not on where the
/// types live), so moving them between modules changes nothing here but the imports.
@Suite("protocol examples and schema")
struct ProtocolExamplesTests {
  static let protocolDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("protocol")

  static func load(_ url: URL) throws -> JSONValue {
    try JSONParser.parse(try Data(contentsOf: url))
  }

  static let schema: JSONValue = (try? load(protocolDirectory.appendingPathComponent("schema.json"))) ?? .null

  /// Every example file, by its path under protocol/examples.
  static let examples: [String] = {
    let root = protocolDirectory.appendingPathComponent("examples")
    let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
      .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" } ?? []
    return files.map { String($0.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)) }.sorted()
  }()

  // MARK: JSON comparison

  /// JSON equality: numbers by value (`1` and `1.0` are the same JSON number).
  static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.object(let x), .object(let y)):
      return x.keys.sorted() == y.keys.sorted() && x.allSatisfy { key, value in same(value, y[key]!) }
    case (.array(let x), .array(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
    case (.int, .double), (.double, .int), (.double, .double):
      return a.doubleValue == b.doubleValue
    default:
      return a == b
    }
  }

  static func removing(_ keys: Set<String>, from value: JSONValue?) -> JSONValue {
    guard case .object(let members)? = value else { return value ?? .object([:]) }
    return .object(members.filter { !keys.contains($0.key) })
  }

  /// Decodes `value` as `T` and encodes it again: the same JSON, apart from `defaults` the encoder adds.
  static func roundTrip<T: Codable>(
    _ type: T.Type, _ value: JSONValue, defaults: [String: JSONValue] = [:], _ where_: String
  ) throws {
    let decoded = try JSONCoding.decode(T.self, from: value)
    var again = try JSONCoding.jsonValue(decoded)
    if case .object(var members) = again, case .object(let original) = value {
      for (key, defaultValue) in defaults where original[key] == nil && members[key] == defaultValue {
        members[key] = nil
      }
      again = .object(members)
    }
    #expect(same(again, value), "\(where_): \(T.self) does not round-trip:\n\(again)\nvs\n\(value)")
  }

  static func decodes<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ where_: String) {
    #expect(throws: Never.self, "\(where_): \(T.self)") { _ = try JSONCoding.decode(T.self, from: value) }
  }

  /// Members the connection reads from any request's params, not the method's type.
  static let progressKeys: Set<String> = ["workDoneToken", "_meta"]

  /// Params through the method's `Params` type (round-tripped where the type is `Encodable`).
  static func checkParams(_ method: String, _ params: JSONValue?, _ where_: String) throws {
    let plain = removing(progressKeys, from: params)
    switch method {
    case "plan": try roundTrip(PlanRequest.self, plain, where_)
    case "runSubtask": try roundTrip(SubtaskRequest.self, plain, where_)
    case "synthesize":
      // A result given without a status gets its default (completed with output, else failed).
      let decoded = try JSONCoding.decode(SynthesisRequest.self, from: plain)
      for (given, read) in zip(plain["results"]?.arrayValue ?? [], decoded.results ?? []) {
        #expect(given["subtaskId"]?.stringValue == read.subtaskId, "\(where_)")
        if let status = given["status"]?.stringValue { #expect(read.status.rawValue == status, "\(where_)") }
      }
      #expect(decoded.planId == plain["planId"]?.stringValue && decoded.task == plain["task"]?.stringValue)
    case "run": try roundTrip(RunRequest.self, plain, defaults: ["approvePlan": false, "stream": false], where_)
    case "complete": decodes(CompleteMethod.Params.self, plain, where_)
    case "cancel": decodes(CancelMethod.Params.self, plain, where_)
    case "runs/get": decodes(RunsGetMethod.Params.self, plain, where_)
    case "baton/status", "models/list", "runs/list", "shutdown": decodes(NoParams.self, plain, where_)
    case "initialize": break  // any object; only processId is read (a pid or null)
    default: Issue.record("\(where_): no Swift params type for \(method)")
    }
  }

  /// A result through the method's `Result` type, round-tripped.
  static func checkResult(_ method: String, _ result: JSONValue, _ where_: String) throws {
    switch method {
    case "plan": try roundTrip(Plan.self, result, where_)
    case "runSubtask": try roundTrip(SubtaskResult.self, result, where_)
    case "synthesize": try roundTrip(Synthesis.self, result, where_)
    case "run", "runs/get": try roundTrip(RunReport.self, result, where_)
    case "complete": try roundTrip(ChatResult.self, result, where_)
    case "cancel": try roundTrip(CancelMethod.Result.self, result, where_)
    case "runs/list": try roundTrip(RunsListMethod.Result.self, result, where_)
    case "models/list": try roundTrip(ModelsListMethod.Result.self, result, where_)
    case "baton/status": try roundTrip(StatusMethod.Result.self, result, where_)
    case "shutdown": #expect(result == .null, "\(where_)")
    case "initialize":
      #expect(result["protocolVersion"]?.stringValue == BatonRelease.protocolVersion, "\(where_)")
      #expect(result["serverInfo"]?["name"]?.stringValue == BatonRelease.serverInfo.name, "\(where_)")
      #expect(result["serverInfo"]?["version"]?.stringValue == BatonRelease.version, "\(where_)")
    default: Issue.record("\(where_): no Swift result type for \(method)")
    }
  }

  static func checkNotification(_ method: String, _ params: JSONValue?, _ where_: String) throws {
    switch method {
    // Sent with the request's id spliced in as `requestId` (not part of the Swift type).
    case "run/event": try roundTrip(RunEvent.self, removing(["requestId"], from: params), where_)
    case "complete/delta": try roundTrip(CompleteDeltaNotification.Params.self, removing(["requestId"], from: params), where_)
    default: break  // LSP/MCP progress and cancellation: built as JSON by the RPC layer
    }
  }

  @Test(arguments: examples)
  func exampleDecodesThroughTheSwiftTypes(_ path: String) throws {
    let example = try Self.load(Self.protocolDirectory.appendingPathComponent("examples").appendingPathComponent(path))
    let name = String(path.split(separator: "/").dropLast().joined(separator: "/"))
    guard name != "_connection" else { return }  // deliberately malformed requests
    if let request = example["request"], let method = request["method"]?.stringValue,
      let response = example["response"]
    {
      if let result = response["result"] {
        try Self.checkParams(method, request["params"], path)
        try Self.checkResult(method, result, path)
      } else if let error = response["error"] {
        let codes = Self.schemaCodes()
        #expect(codes.values.contains(error["code"]?.intValue ?? 0), "\(path): code \(String(describing: error["code"]))")
        if let kind = error["data"]?["kind"]?.stringValue {
          #expect(EngineError.Kind(rawValue: kind) != nil || ProviderError.Kind(rawValue: kind) != nil, "\(path): \(kind)")
        }
      }
    }
    for note in example["notifications"]?.arrayValue ?? [] {
      try Self.checkNotification(note["method"]?.stringValue ?? "", note["params"], path)
    }
    for related in example["related"]?.arrayValue ?? [] where related["from"] == "server" {
      if let method = related["message"]?["method"]?.stringValue, related["message"]?["id"] == nil {
        try Self.checkNotification(method, related["message"]?["params"], path)
      }
    }
    for exchange in example["serverRequests"]?.arrayValue ?? [] {
      #expect(exchange["request"]?["method"]?.stringValue == ClientPlanApprover.method, "\(path)")
      if let plan = exchange["request"]?["params"]?["plan"] { try Self.roundTrip(Plan.self, plan, path) }
      if let decision = exchange["response"]?["result"] { try Self.roundTrip(PlanDecision.self, decision, path) }
    }
  }

  @Test func thereAreExamples() {
    #expect(Self.examples.count > 50, "\(Self.protocolDirectory.path): \(Self.examples.count) examples")
  }

  // MARK: The schema's catalogue against the Swift declarations

  static func schemaCodes() -> [String: Int] {
    var codes: [String: Int] = [:]
    for (name, entry) in schema["errors"]?.objectValue ?? [:] { codes[name] = entry["code"]?.intValue }
    return codes
  }

  @Test func errorCodesAreTheSchemas() {
    let swift: [String: ErrorCode] = [
      "ParseError": .parseError, "InvalidRequest": .invalidRequest, "MethodNotFound": .methodNotFound,
      "InvalidParams": .invalidParams, "InternalError": .internalError, "ServerNotInitialized": .serverNotInitialized,
      "RequestCancelled": .requestCancelled, "ProviderFailed": .providerFailed, "NotFound": .notFound,
      "BudgetExceeded": .budgetExceeded, "PlanFailed": .planFailed, "OutputInvalid": .outputInvalid,
      "DeadlineExceeded": .deadlineExceeded,
    ]
    #expect(Self.schemaCodes() == swift.mapValues(\.rawValue))
    #expect(RPCError.cancelled.code.rawValue == Self.schemaCodes()["RequestCancelled"])
  }

  /// Each error kind is sent with the code the schema lists it under.
  @Test func errorKindsMapToTheSchemasCodes() throws {
    var kindCode: [String: Int] = [:]
    for (_, entry) in Self.schema["errors"]?.objectValue ?? [:] {
      for kind in entry["kinds"]?.arrayValue ?? [] { kindCode[kind.stringValue ?? ""] = entry["code"]?.intValue }
    }
    for kind in Self.enumValues("EngineErrorKind") {
      let engineKind = try #require(EngineError.Kind(rawValue: kind), "\(kind)")
      #expect(EngineError(engineKind, "m").rpcError.code.rawValue == kindCode[kind], "\(kind)")
      #expect(EngineError(engineKind, "m").rpcError.data?["kind"]?.stringValue == kind)
    }
    for kind in Self.enumValues("ProviderErrorKind") {
      let providerKind = try #require(ProviderError.Kind(rawValue: kind), "\(kind)")
      let wire = ProviderError(providerKind, "m").rpcError
      #expect(wire.code.rawValue == kindCode[kind], "\(kind)")
      #expect(wire.data?["retryable"]?.boolValue == Self.schema["errorKinds"]?[kind]?["retryable"]?.boolValue, "\(kind)")
    }
    #expect(Set(kindCode.keys) == Set(Self.enumValues("EngineErrorKind") + Self.enumValues("ProviderErrorKind")))
  }

  static func enumValues(_ definition: String) -> [String] {
    (schema["$defs"]?[definition]?["enum"]?.arrayValue ?? []).compactMap(\.stringValue)
  }

  @Test func enumsAreTheSwiftEnums() {
    #expect(Set(Self.enumValues("ModelRole")) == Set(ModelRole.allCases.map(\.rawValue)))
    #expect(Set(Self.enumValues("ProviderKind")) == Set(ProviderKind.allCases.map(\.rawValue)))
    for value in Self.enumValues("RunStatus") { #expect(RunStatus(rawValue: value) != nil, "\(value)") }
    for value in Self.enumValues("SubtaskStatus") { #expect(SubtaskStatus(rawValue: value) != nil, "\(value)") }
    for value in Self.enumValues("FinishReason") { #expect(FinishReason(rawValue: value) != nil, "\(value)") }
    for value in Self.enumValues("ChatRole") { #expect(ChatRole(rawValue: value) != nil, "\(value)") }
    for value in Self.enumValues("RunEventType") { #expect(RunEvent.Kind(rawValue: value) != nil, "\(value)") }
    // The Swift enums without allCases: as many cases as the schema lists (counted from their switch).
    #expect(Self.enumValues("RunStatus").count == 7 && Self.enumValues("SubtaskStatus").count == 6)
    #expect(Self.enumValues("RunEventType").count == 11 && Self.enumValues("FinishReason").count == 5)
  }

  @Test func methodsAreTheRoutersAndTheVersionIsTheReleases() {
    let router = Router.baton(
      BatonServices(registry: ProviderRegistry(configuration: try! ProviderConfiguration(file: nil, environment: [:])) {
        _ in FakeProvider { _, _ in .text("") }
      }, engine: makeEngine([])))
    let lifecycle: Set<String> = ["initialize", "shutdown"]
    let schemaMethods = Set((Self.schema["methods"]?.objectValue ?? [:]).keys).subtracting(lifecycle)
    #expect(schemaMethods == Set(router.methodNames))
    #expect(Self.schema["protocolVersion"]?.stringValue == BatonRelease.protocolVersion)
    #expect(Self.schema["serverRequests"]?[ClientPlanApprover.method] != nil)
    #expect(Self.schema["notifications"]?[RunEventNotification.name] != nil)
    #expect(Self.schema["notifications"]?[CompleteDeltaNotification.name] != nil)
  }
}
