import Foundation
import Testing
@testable import HTTP

struct SSEParserTests {
  /// Three events; the stream ends with the blank line that dispatches the last one.
  static let sample = [
    ": a comment line, ignored",
    "event: delta",
    #"data: {"text":"hé"}"#,
    "id: 1",
    "",
    "data: line one",
    "data: line two",
    "",
    "event: done",
    "data",
    "",
    "",
  ].joined(separator: "\n")

  static let expected = [
    SSEEvent(event: "delta", data: #"{"text":"hé"}"#, id: "1"),
    SSEEvent(event: nil, data: "line one\nline two", id: "1"),
    SSEEvent(event: "done", data: "", id: "1"),
  ]

  func parse(_ chunks: [Data]) -> [SSEEvent] {
    var parser = SSEParser()
    return chunks.flatMap { parser.feed($0) } + parser.finish()
  }

  @Test(arguments: ["\n", "\r\n", "\r"])
  func everySplitPositionGivesTheSameEvents(lineEnding: String) {
    let bytes = Data(Self.sample.replacingOccurrences(of: "\n", with: lineEnding).utf8)
    #expect(parse([bytes]) == Self.expected)
    for split in 0...bytes.count {
      let events = parse([bytes.prefix(split), bytes.dropFirst(split)])
      #expect(events == Self.expected, "split at byte \(split)")
    }
  }

  @Test func byteByByteGivesTheSameEvents() {
    let bytes = Data(Self.sample.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    #expect(parse(bytes.map { Data([$0]) }) == Self.expected)
  }

  @Test func multiByteCharacterSplitAnywhere() {
    let bytes = Data("data: 日本🎉\n\n".utf8)
    for split in 0...bytes.count {
      #expect(parse([bytes.prefix(split), bytes.dropFirst(split)]) == [SSEEvent(data: "日本🎉")])
    }
  }

  @Test func eventsAreDispatchedAsSoonAsTheBlankLineArrives() {
    var parser = SSEParser()
    #expect(parser.feed(Data("data: a\r".utf8)) == [])
    // A CR alone ends the line, so the blank line completes without waiting for a possible LF.
    #expect(parser.feed(Data("\r".utf8)) == [SSEEvent(data: "a")])
    #expect(parser.feed(Data("\ndata: b\n\n".utf8)) == [SSEEvent(data: "b")])
  }

  @Test func fieldParsingFollowsTheSpec() {
    let stream = [
      "data:no space", "data:  two spaces", "data", "event:ping", "retry: 100", "unknown: x", ":comment", "", "",
    ].joined(separator: "\n")
    #expect(parse([Data(stream.utf8)]) == [SSEEvent(event: "ping", data: "no space\n two spaces\n")])
  }

  @Test func byteOrderMarkAtTheStartIsDropped() {
    let bytes = Data([0xEF, 0xBB, 0xBF]) + Data("data: x\n\n".utf8)
    for split in 0...3 {
      #expect(parse([bytes.prefix(split), bytes.dropFirst(split)]) == [SSEEvent(data: "x")])
    }
    // Only at the start: later, the same bytes are part of a field name.
    #expect(parse([Data("data: a\n\n".utf8) + bytes]) == [SSEEvent(data: "a")])
  }

  @Test func idPersistsAndEmptyIdResetsIt() {
    let stream = "id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"
    #expect(
      parse([Data(stream.utf8)]) == [
        SSEEvent(data: "a", id: "7"), SSEEvent(data: "b", id: "7"), SSEEvent(data: "c", id: ""),
      ])
  }

  @Test func eventWithoutDataIsNotDispatched() {
    #expect(parse([Data("event: lonely\n\ndata: x\n\n".utf8)]) == [SSEEvent(data: "x")])
  }

  @Test func incompleteEventAtTheEndIsDiscarded() {
    var parser = SSEParser()
    #expect(parser.feed(Data("data: complete\n\ndata: cut off".utf8)) == [SSEEvent(data: "complete")])
    #expect(parser.finish() == [])
    // finish() resets, so the parser can read a new stream.
    #expect(parser.feed(Data("data: next\n\n".utf8)) == [SSEEvent(data: "next")])
  }
}
