import Providers
import Testing

/// The `/events` body cut into events, however the engine frames and the network splits it.
@Suite struct DockerEventDecoderTests {
    static let start = #"{"status":"start","id":"abc","from":"whoami","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"web","note":"a } and a \" inside"}},"time":1}"#
    static let die = #"{"status":"die","id":"abc","Type":"container","Action":"die","time":2}"#

    @Test func oneObjectPerLine() throws {
        var decoder = DockerEventDecoder()
        let events = try decoder.feed(Array((Self.start + "\n" + Self.die + "\n").utf8))
        #expect(events == [DockerEvent(type: "container", action: "start"), DockerEvent(type: "container", action: "die")])
    }

    @Test func concatenatedObjectsSplitAnywhere() throws {
        let bytes = Array((Self.start + Self.die + #"{"status":"create","id":"x"}"#).utf8)
        for cut in stride(from: 1, to: bytes.count, by: 7) {
            var decoder = DockerEventDecoder()
            let events = try decoder.feed(Array(bytes[..<cut])) + decoder.feed(Array(bytes[cut...]))
            #expect(events.map(\.action) == ["start", "die", "create"], "cut at \(cut)")
        }
        var byteByByte = DockerEventDecoder()
        var events: [DockerEvent] = []
        for byte in bytes { events += try byteByByte.feed([byte]) }
        #expect(events.count == 3)
    }

    /// Old engines send only `status`; only a container's start or die changes routes.
    @Test func whichEventsChangeRoutes() throws {
        var decoder = DockerEventDecoder()
        let events = try decoder.feed(Array(#"""
            {"status":"start","id":"a"}
            {"status":"create","id":"a"}
            {"Type":"network","Action":"start"}
            {"status":"exec_start: sh","Type":"container","Action":"exec_start: sh"}
            {"Type":"container","Action":"die"}
            """#.utf8))
        #expect(events.map(\.changesRoutes) == [true, false, false, false, true])
    }

    @Test func textThatIsNoEventStreamIsAnError() {
        var decoder = DockerEventDecoder()
        #expect(throws: DockerEngineError.self) { _ = try decoder.feed(Array("<html>".utf8)) }
        var unbalanced = DockerEventDecoder()
        #expect(throws: DockerEngineError.self) { _ = try unbalanced.feed(Array("}".utf8)) }
    }
}
