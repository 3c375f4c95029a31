import JSON
import LLM
import Secrets

/// Wraps a provider so that no configured secret survives in what it returns: result text, tool-call
/// arguments, streamed deltas and error messages.
///
/// A gateway or proxy that echoes the API key back in a completion would otherwise carry it into every
/// place a model's words go (replies, events, the journal, the next model's prompt). Removing it where
/// the words enter Baton covers all of those at once. Deltas are held back while their tail could be the
/// start of a secret, so a key split across two chunks is still caught.
package struct RedactingProvider: LLMProvider {
  let base: any LLMProvider
  let redactor: SecretRedactor

  package init(base: any LLMProvider, redactor: SecretRedactor) {
    self.base = base
    self.redactor = redactor
  }

  package var name: String { base.name }

  package func complete(_ request: ChatRequest) async throws -> ChatResult {
    do {
      return redact(try await base.complete(request))
    } catch let error as ProviderError {
      throw redactor.redact(error)
    }
  }

  package func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    let upstream = base.stream(request)
    let redactor = redactor
    return AsyncThrowingStream { continuation in
      let task = Task {
        var pending = ""
        do {
          for try await event in upstream {
            switch event {
            case .delta(let text):
              pending = redactor.redact(pending + text)
              let held = redactor.heldBackCount(pending)
              let ready = String(decoding: pending.utf8.dropLast(held), as: UTF8.self)
              if !ready.isEmpty { continuation.yield(.delta(ready)) }
              pending = String(decoding: pending.utf8.suffix(held), as: UTF8.self)
            case .done(let result):
              if !pending.isEmpty { continuation.yield(.delta(pending)) }
              pending = ""
              continuation.yield(.done(redact(result)))
            }
          }
          continuation.finish()
        } catch let error as ProviderError {
          continuation.finish(throwing: redactor.redact(error))
        } catch {
          continuation.finish(throwing: error)
        }
      }
      continuation.onTermination = { _ in task.cancel() }
    }
  }

  package func listModels() async throws -> [String] { try await base.listModels() }

  package func contextWindow(for model: String) async -> Int? { await base.contextWindow(for: model) }

  private func redact(_ result: ChatResult) -> ChatResult {
    var redacted = result
    redacted.text = redactor.redact(result.text)
    redacted.toolCalls = result.toolCalls.map { call in
      var call = call
      call.arguments = Self.redact(call.arguments, with: redactor)
      return call
    }
    return redacted
  }

  private static func redact(_ value: JSONValue, with redactor: SecretRedactor) -> JSONValue {
    switch value {
    case .string(let text): return .string(redactor.redact(text))
    case .array(let elements): return .array(elements.map { redact($0, with: redactor) })
    case .object(let members): return .object(members.mapValues { redact($0, with: redactor) })
    default: return value
    }
  }
}
