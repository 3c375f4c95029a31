import Foundation
import Secrets

/// Masks what looks like a credential before journal text reaches the page.
///
/// The journal holds no request headers or keys (the engine never sees the former and never writes the
/// latter), but tasks, contexts and model outputs are free text: a user may paste a key into a task, a model
/// may echo one. A report is a file meant to be passed around, so anything shaped like an API key, a bearer
/// token or an auth header is replaced by `[REDACTED]` wherever it appears.
enum ReportRedaction {
  static let marker = SecretRedactor.marker

  private struct Rule: @unchecked Sendable {
    // NSRegularExpression is immutable once made and documented as safe to share between threads.
    let expression: NSRegularExpression
    let template: String
  }

  private static let rules: [Rule] = [
    // Header lines: `Authorization: Bearer …`, `x-api-key: …`, `Cookie: …`.
    (
      #"(?im)\b(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie|set-cookie)([ \t]*:[ \t]*)[^\r\n]+"#,
      "$1$2\(marker)"
    ),
    (#"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}"#, "$1 \(marker)"),
    // `"api_key": "…"`, `secret_access_key=…`, `client_secret: …`.
    (
      #"(?i)\b(api[_-]?key|secret[_-]?access[_-]?key|access[_-]?token|client[_-]?secret|auth[_-]?token)(["']?[ \t]*[:=][ \t]*["']?)[A-Za-z0-9/+_.=-]{12,}"#,
      "$1$2\(marker)"
    ),
    // Provider key shapes: OpenAI and Anthropic (`sk-…`), AWS access key ids, Google, GitHub, Slack.
    (#"\bsk-[A-Za-z0-9_-]{16,}"#, marker),
    (#"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#, marker),
    (#"\bAIza[0-9A-Za-z_-]{35}"#, marker),
    (#"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"#, marker),
    (#"\bxox[abprs]-[A-Za-z0-9-]{10,}"#, marker),
  ].map { pattern, template in
    // The patterns are constants: a failure here is a programming error caught by the first test run.
    Rule(expression: try! NSRegularExpression(pattern: pattern), template: template)
  }

  static func redact(_ text: String) -> String {
    guard mayContainSecret(text) else { return text }
    var result = text
    for rule in rules {
      let range = NSRange(result.startIndex..., in: result)
      guard rule.expression.firstMatch(in: result, range: range) != nil else { continue }
      result = rule.expression.stringByReplacingMatches(in: result, range: range, withTemplate: rule.template)
    }
    return result
  }

  /// A cheap first look: every rule needs one of these (case-insensitively), so most text skips the regexes.
  private static func mayContainSecret(_ text: String) -> Bool {
    let lowered = text.lowercased()
    return ["auth", "key", "cookie", "bearer", "token", "secret", "sk-", "akia", "asia", "aiza", "xox", "gh"].contains {
      lowered.contains($0)
    }
  }
}
