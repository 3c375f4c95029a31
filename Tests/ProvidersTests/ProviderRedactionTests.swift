import Foundation
import Testing
@testable import LLM
@testable import ProviderTestSupport
@testable import Providers
@testable import Secrets

@Suite struct ProviderRedactionTests {
  typealias F = ProviderFixtures

  @Test func settingsNeverPrintTheirKey() {
    let settings = F.settings(name: "openai", kind: .openAI, baseURL: "https://api.openai.com/v1", apiKey: "sk-live-0123456789")
    var dumped = ""
    dump(settings, to: &dumped)
    #expect(!String(describing: settings).contains("sk-live"))
    #expect(!String(reflecting: settings).contains("sk-live"))
    #expect(!dumped.contains("sk-live"))
    #expect(settings.apiKey?.value == "sk-live-0123456789")
  }

  @Test func transportErrorsQuotingTheKeyAreRedacted() async throws {
    let settings = F.settings(name: "openai", kind: .openAI, baseURL: "https://api.openai.com/v1", apiKey: "sk-live-0123456789")
    let client = ScriptedHTTPClient([
      .fail(.connectionFailed("proxy refused header 'Authorization: Bearer sk-live-0123456789'")),
      .fail(.transferFailed("sk-live-0123456789")),
    ])
    let provider = OpenAICompatibleProvider(settings: settings, http: client, now: F.clock)
    let request = ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")])
    let first = try #require(await F.providerError { _ = try await provider.complete(request) })
    #expect(first.kind == .connection)
    #expect(first.message.contains("[REDACTED]"))
    #expect(!first.description.contains("sk-live"))
    let streamed = await F.collect(provider.stream(request))
    let second = try #require(streamed.error as? ProviderError)
    #expect(!second.description.contains("sk-live"))
  }

  @Test func errorBodiesEchoingTheKeyAreRedactedForEveryKind() async throws {
    let key = "key-0123456789abcdef"
    let body = Data(#"{"error":{"message":"invalid key \#(key)"},"message":"invalid key \#(key)"}"#.utf8)
    for kind in ProviderKind.allCases {
      let settings = F.settings(name: kind.rawValue, kind: kind, baseURL: "https://example.invalid", apiKey: key)
      let client = ScriptedHTTPClient(.respond(status: 401, body: body))
      let provider = ProviderFactory.makeProvider(settings: settings, http: client, now: F.clock)
      let error = try #require(
        await F.providerError { _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("hi")])) })
      #expect(error.kind == .authentication)
      #expect(error.message == "invalid key [REDACTED]", "\(kind)")
      #expect(!String(describing: error).contains(key))
    }
  }
}
