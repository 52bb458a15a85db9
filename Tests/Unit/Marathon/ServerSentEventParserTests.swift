import Providers
import Testing

/// Marathon's `/v2/events` is read with our own `text/event-stream` parser.
@Suite struct ServerSentEventParserTests {
    /// A stream with every line ending, a comment, a multi-line data field, an event without data, an event without
    /// a type, a field without a space after the colon and a non-ASCII character.
    static let stream = Array((
        ": connected\n"
            + "event: status_update_event\r\ndata: {\"eventType\":\"status_update_event\"}\r\n\r\n"
            + "event: api_post_event\rdata: line one\rdata: line two\r\r"
            + "event: ignored_without_data\n\n"
            + "data:{\"eventType\":\"app_terminated_event\",\"appId\":\"/caf\u{E9}\"}\n\n"
            + "id: 7\nretry: 100\nevent: deployment_success\ndata\n\n"
    ).utf8)

    static let expected = [
        ServerSentEvent(type: "status_update_event", data: "{\"eventType\":\"status_update_event\"}"),
        ServerSentEvent(type: "api_post_event", data: "line one\nline two"),
        ServerSentEvent(type: "message", data: "{\"eventType\":\"app_terminated_event\",\"appId\":\"/caf\u{E9}\"}"),
        ServerSentEvent(type: "deployment_success", data: ""),
    ]

    @Test func aWholeStreamGivesItsEvents() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Self.stream) == Self.expected)
    }

    /// Cut in two at every position: inside CRLF, inside a UTF-8 sequence, inside a field name.
    @Test func chunkBoundariesAnywhereGiveTheSameEvents() throws {
        for cut in 0...Self.stream.count {
            var parser = ServerSentEventParser()
            let events = try parser.feed(Self.stream[..<cut]) + parser.feed(Self.stream[cut...])
            #expect(events == Self.expected, "cut at \(cut)")
        }
    }

    @Test func byteByByteGivesTheSameEvents() throws {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for byte in Self.stream { events += try parser.feed([byte]) }
        #expect(events == Self.expected)
    }

    @Test func anUnfinishedEventIsNotDispatched() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("event: status_update_event\ndata: x\n".utf8)).isEmpty)
        #expect(try parser.feed(Array("\n".utf8)) == [ServerSentEvent(type: "status_update_event", data: "x")])
    }

    @Test func whichEventsReload() {
        #expect(MarathonProvider.triggersReload(ServerSentEvent(type: "status_update_event", data: "{}")))
        #expect(MarathonProvider.triggersReload(ServerSentEvent(type: "deployment_success", data: "{}")))
        #expect(!MarathonProvider.triggersReload(ServerSentEvent(type: "event_stream_attached", data: "{}")))
        #expect(MarathonProvider.triggersReload(
            ServerSentEvent(type: "message", data: "{\"eventType\":\"health_status_changed_event\"}")))
        #expect(!MarathonProvider.triggersReload(ServerSentEvent(type: "message", data: "{\"eventType\":\"framework_message_event\"}")))
        #expect(!MarathonProvider.triggersReload(ServerSentEvent(type: "message", data: "not json")))
    }
}
