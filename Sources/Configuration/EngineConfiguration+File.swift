import Foundation
import LLM
import Orchestrator

extension EngineConfiguration {
  /// The engine configuration a file describes, laid over the defaults in this order (later wins): the
  /// engine's defaults; short output limits when the default model is the bundled local one; the file's
  /// `roles`, `prices` and `rateLimits`; its `orchestration` settings. The state directory is the command
  /// line's to set. Every model `orchestration` names must use one of `providers`.
  init(file: ConfigurationFile?, defaultModel: ModelReference, providers: [String]) throws(ConfigurationError) {
    self.init()
    if defaultModel.provider == BuiltInProviders.localProvider {
      // The bundled 135M model rambles until the limit: short answers keep the demo quick and readable.
      worker.maxTokens = 320
      synthesizer.maxTokens = 480
    }
    guard let file else { return }
    for role in ModelRole.allCases {
      if let model = file.roles[role.rawValue] { self[role].model = model.description }
    }
    for (model, price) in file.prices { prices[model.description] = price }
    rateLimits.merge(file.rateLimits) { _, configured in configured }
    if let orchestration = file.orchestration {
      let reader = OrchestrationReader(reader: ConfigurationReader(source: file.path), providers: providers)
      try reader.read(orchestration, at: "orchestration", into: &self)
    }
  }
}
