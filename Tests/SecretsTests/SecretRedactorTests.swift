import Testing
@testable import Secrets

/// Configured secrets never leave Baton: every occurrence is replaced by one marker, in text and in bytes,
/// and a key never prints itself.
@Suite struct SecretRedactorTests {
  static let key = "sk-live-0123456789abcdef"
  static let redactor = SecretRedactor(secrets: [key, "other-secret-value"])

  @Test func everyOccurrenceOfEverySecretIsRemoved() {
    let redactor = SecretRedactor(secrets: ["sk-abc", "sk-abc-longer", ""])
    #expect(
      redactor.redact("bad key sk-abc-longer, also sk-abc and sk-abc")
        == "bad key [REDACTED], also [REDACTED] and [REDACTED]")
    #expect(redactor.redact("nothing secret") == "nothing secret")
  }

  @Test func secretsNeverPrint() {
    let secret = Secret("sk-live-0123456789")
    var dumped = ""
    dump(secret, to: &dumped)
    for text in [String(describing: secret), String(reflecting: secret), "\(secret)", dumped] {
      #expect(!text.contains("sk-live"))
    }
  }

  @Test func bytesAreRedactedEverywhereAndUntouchedWithoutASecret() {
    let json = Array(#"{"a":"sk-live-0123456789abcdef","b":["xsk-live-0123456789abcdefx"]}"#.utf8)
    #expect(String(decoding: Self.redactor.redact(json), as: UTF8.self) == #"{"a":"[REDACTED]","b":["x[REDACTED]x"]}"#)
    let clean = Array(#"{"a":"nothing here"}"#.utf8)
    #expect(Self.redactor.redact(clean) == clean)
    #expect(SecretRedactor.none.redact(json) == json)
  }

  @Test func placeholderValuesTooShortToBeKeysAreNotTreatedAsSecrets() {
    let redactor = SecretRedactor(secrets: ["x", "none", Self.key])
    #expect(redactor.redact("none of x") == "none of x")
  }
}
