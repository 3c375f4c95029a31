import Foundation
import HTTP
import LLM

/// Each SSE event of `streamGenerateContent?alt=sse` is a whole `GenerateContentResponse`.
struct GeminiStreamAccumulator: SSEChatAccumulator {
  var builder: GeminiResultBuilder

  mutating func apply(_ event: SSEEvent) throws -> [String] {
    let data = event.data.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !data.isEmpty else { return [] }
    let response: GeminiResponse
    do {
      response = try ProviderJSON.decode(GeminiResponse.self, from: Data(data.utf8))
    } catch {
      throw builder.classifier.malformed("unreadable stream event: \(data.prefix(200))")
    }
    return try builder.add(response)
  }

  func result() throws -> ChatResult {
    try builder.result()
  }
}
