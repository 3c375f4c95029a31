import Testing
@testable import HTTP

/// Case-insensitive lookup in `HTTPHeaders`, which has an allocation-free path for ASCII names.
struct HTTPHeadersTests {
  @Test func lookupIgnoresCase() {
    let headers: HTTPHeaders = ["Content-Type": "text/plain", "X-RateLimit-Remaining": "7"]
    #expect(headers["content-type"] == "text/plain")
    #expect(headers["CONTENT-TYPE"] == "text/plain")
    #expect(headers["x-ratelimit-remaining"] == "7")
    #expect(headers["content-typ"] == nil)
    #expect(headers["content-types"] == nil)
    #expect(headers[""] == nil)
  }

  @Test func lookupReturnsTheFirstMatch() {
    let headers = HTTPHeaders([("Set-Cookie", "a"), ("set-cookie", "b")])
    #expect(headers["SET-COOKIE"] == "a")
  }

  @Test func onlyLettersFoldCase() {
    // '@' (0x40) and '`' (0x60) differ by the same bit as 'A' and 'a', but are not letters.
    let headers: HTTPHeaders = ["X-@": "1"]
    #expect(headers["x-`"] == nil)
    #expect(headers["x-@"] == "1")
  }

  @Test func nonASCIINamesCompareAsLowercasedStrings() {
    // U+212A KELVIN SIGN lowercases to an ASCII "k".
    let headers: HTTPHeaders = ["X-\u{212A}": "kelvin", "Ä": "umlaut"]
    #expect(headers["x-k"] == "kelvin")
    #expect(headers["ä"] == "umlaut")
  }

  @Test func setReplacesEveryCaseVariant() {
    var headers = HTTPHeaders([("Accept", "a"), ("ACCEPT", "b"), ("Other", "c")])
    headers.set("accept", "d")
    #expect(headers == HTTPHeaders([("Other", "c"), ("accept", "d")]))
  }
}
