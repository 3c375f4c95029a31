import Foundation
import Testing

/// A reply carries the id's JSON text exactly as the client wrote it, including ids Swift cannot hold
/// as a value, so every client can match its replies.
@Suite("Request ids are echoed byte for byte", .timeLimit(.minutes(1)))
struct RequestIDEchoTests {
  static let unusualIDs = [
    #""\ud800""#,  // a lone surrogate: no Swift String holds it
    #""\u0041\n""#,  // escapes are kept as written, not re-escaped
    "123456789012345678901234567890",  // wider than Int64
    "1e400", "-1e400",  // beyond Double
    "1.0", "-0", "1E2", "0.1",  // numbers a round trip would rewrite
  ]

  @Test(arguments: unusualIDs)
  func aReplyEchoesTheIdsText(id: String) async throws {
    let peer = try await TestPeer()
    peer.sendRaw(#"{"jsonrpc":"2.0","id":\#(id),"method":"test/echo","params":{"text":"x"}}"#)
    let reply = try await peer.client.nextText()
    #expect(reply.hasPrefix(#"{"jsonrpc":"2.0","id":\#(id),"result":"#), "\(reply)")
  }

  @Test(arguments: unusualIDs)
  func anErrorReplyEchoesTheIdsText(id: String) async throws {
    let peer = try await TestPeer()
    peer.sendRaw(#"{"jsonrpc":"2.0","id":\#(id),"method":"no/such"}"#)
    let reply = try await peer.client.nextText()
    #expect(reply.hasPrefix(#"{"jsonrpc":"2.0","id":\#(id),"error":"#), "\(reply)")
  }

  @Test func eachMemberOfABatchKeepsItsOwnIdText() async throws {
    let peer = try await TestPeer()
    peer.sendRaw(
      #"[{"jsonrpc":"2.0","id":1e400,"method":"test/echo","params":{"text":"a"}},"#
        + #"{"jsonrpc":"2.0","method":"initialized"},"#
        + #"{"jsonrpc":"2.0","id":"\ud800","method":"no/such"},{"jsonrpc":"2.0","id":7,"method":"test/echo"}]"#)
    let reply = try await peer.client.nextText()
    #expect(reply.contains(#"{"jsonrpc":"2.0","id":1e400,"result":{"echoed":"a"}}"#), "\(reply)")
    #expect(reply.contains(#"{"jsonrpc":"2.0","id":"\ud800","error":"#), "\(reply)")
    #expect(reply.contains(#"{"jsonrpc":"2.0","id":7,"error":"#), "\(reply)")
  }

  @Test func anIdNestedInParamsIsNotMistakenForTheRequestsId() async throws {
    let peer = try await TestPeer()
    peer.sendRaw(#"{"jsonrpc":"2.0","method":"test/echo","params":{"id":1e400,"text":"b"},"id":5}"#)
    let reply = try await peer.client.nextText()
    #expect(reply.hasPrefix(#"{"jsonrpc":"2.0","id":5,"result":"#), "\(reply)")
  }

  @Test func aCancelByValueFindsARequestWhoseIdWasWrittenDifferently() async throws {
    let peer = try await TestPeer()
    peer.sendRaw(#"{"jsonrpc":"2.0","id":"\u0077","method":"test/wait"}"#)
    await peer.arrivals.wait(for: 1)
    peer.notify("$/cancelRequest", ["id": "w"])
    let reply = try await peer.client.nextText()
    #expect(reply.hasPrefix(#"{"jsonrpc":"2.0","id":"\u0077","error":{"#), "\(reply)")
    #expect(reply.contains("-32800"))
  }

  @Test(arguments: ["1e400", #""\ud800""#, "123456789012345678901234567890"])
  func notificationsAboutARequestCarryItsIdText(id: String) async throws {
    let peer = try await TestPeer()
    peer.sendRaw(#"{"jsonrpc":"2.0","id":\#(id),"method":"test/announce"}"#)
    let notification = try await peer.client.nextText()
    #expect(notification == #"{"jsonrpc":"2.0","method":"test/announced","params":{"requestId":\#(id),"n":1}}"#)
    let reply = try await peer.client.nextText()
    #expect(reply.hasPrefix(#"{"jsonrpc":"2.0","id":\#(id),"result":"#), "\(reply)")
  }
}
