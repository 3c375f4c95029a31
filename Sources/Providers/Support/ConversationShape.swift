import Foundation
import LLM

/// Helpers for APIs that keep the system prompt out of the message list (Anthropic, Gemini, Bedrock)
/// and want strictly alternating turns.
enum ConversationShape {
  /// `request.system` followed by the text of any `system`-role messages, joined by blank lines.
  static func systemText(of request: ChatRequest) -> String? {
    let parts = ([request.system] + request.messages.filter { $0.role == .system }.map(\.content))
      .compactMap { $0 }
      .filter { !$0.isEmpty }
    return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
  }

  /// Merges consecutive turns with the same role into one, concatenating their parts: several tool
  /// results in a row (one `tool` message each) must form a single user turn.
  static func mergingConsecutiveRoles<Part>(_ turns: [(role: String, parts: [Part])]) -> [(role: String, parts: [Part])] {
    var merged: [(role: String, parts: [Part])] = []
    for turn in turns where !turn.parts.isEmpty {
      if let last = merged.last, last.role == turn.role {
        merged[merged.count - 1].parts += turn.parts
      } else {
        merged.append(turn)
      }
    }
    return merged
  }

  /// The name of the tool each call id belongs to, for APIs whose tool results name the function
  /// (Gemini) rather than the call.
  static func toolNames(in messages: [ChatMessage]) -> [String: String] {
    var names: [String: String] = [:]
    for message in messages {
      for call in message.toolCalls ?? [] { names[call.id] = call.name }
    }
    return names
  }
}
