import Testing
@testable import HTTP

struct HTTPResponseHeadBuilderTests {
  func build(_ lines: [String]) -> [HTTPResponseHead] {
    var builder = HTTPResponseHeadBuilder()
    return lines.compactMap { builder.consume(line: Array($0.utf8)) }
  }

  @Test func statusAndHeadersCompleteOnTheBlankLine() {
    let heads = build(["HTTP/1.1 429 Too Many Requests\r\n", "Retry-After:  7 \r\n", "X-A: b\r\n", "\r\n"])
    #expect(heads == [HTTPResponseHead(status: 429, headers: HTTPHeaders([("Retry-After", "7"), ("X-A", "b")]))])
  }

  @Test func interimHeadsAreSkipped() {
    let heads = build([
      "HTTP/1.1 100 Continue\r\n", "\r\n",
      "HTTP/1.1 103 Early Hints\r\n", "Link: </a>\r\n", "\r\n",
      "HTTP/1.1 200 OK\r\n", "Content-Type: text/plain\r\n", "\r\n",
    ])
    #expect(heads == [HTTPResponseHead(status: 200, headers: ["Content-Type": "text/plain"])])
  }

  @Test func foldedLinesContinueTheValueAndTrailersAreIgnored() {
    let heads = build(["HTTP/2 200\r\n", "X-Long: one\r\n", "\t two\r\n", "\r\n", "X-Trailer: late\r\n", "\r\n"])
    #expect(heads == [HTTPResponseHead(status: 200, headers: ["X-Long": "one two"])])
  }

  @Test func partialHeadIsAvailableBeforeTheBlankLine() {
    var builder = HTTPResponseHeadBuilder()
    #expect(builder.partialHead == nil)
    _ = builder.consume(line: Array("HTTP/1.0 204 No Content\r\n".utf8))
    #expect(builder.partialHead?.status == 204)
    #expect(!builder.isComplete)
  }
}
