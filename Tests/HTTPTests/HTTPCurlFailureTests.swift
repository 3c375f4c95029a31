import Testing
@testable import HTTP

struct HTTPCurlFailureTests {
  @Test func unreachedServerIsConnectionFailed() {
    #expect(CurlFailure.error(code: 7, detail: "Connection refused", receivedHead: false) == .connectionFailed("Connection refused"))
    #expect(CurlFailure.error(code: 60, detail: "bad cert", receivedHead: false) == .connectionFailed("bad cert"))
  }

  @Test func brokenConnectionDependsOnWhetherTheHeadArrived() {
    #expect(CurlFailure.error(code: 56, detail: "reset", receivedHead: false) == .connectionFailed("reset"))
    #expect(CurlFailure.error(code: 56, detail: "reset", receivedHead: true) == .transferFailed("reset"))
    #expect(CurlFailure.error(code: 18, detail: "partial", receivedHead: true) == .transferFailed("partial"))
  }
}
