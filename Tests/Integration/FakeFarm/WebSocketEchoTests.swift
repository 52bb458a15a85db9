import FakeFarm
import Testing

@Suite("WhoamiServer WebSocket echo")
struct WebSocketEchoTests {
    @Test func upgradesThenEchoesPongsAndCloses() async throws {
        try await FarmFixture.withWhoami { server in
            let client = try await HTTPTestClient.connect(port: server.port)
            try await client.send(WebSocketTestFrame.upgradeRequest(target: "/ws", host: "127.0.0.1:\(server.port)"))
            let handshake = try await client.readResponse()
            #expect(handshake.status == 101)
            #expect(handshake.header("upgrade")?.lowercased() == "websocket")
            #expect(handshake.header("sec-websocket-accept") == WebSocketTestFrame.sampleAccept)

            try await client.send(WebSocketTestFrame.clientText("hello"))
            let text = try await client.readWebSocketFrame()
            #expect(text == WebSocketTestFrame(opcode: WebSocketTestFrame.Opcode.text, payload: Array("hello".utf8)))

            // Past 65 535 bytes the length takes the 64-bit form.
            let large = FarmFixture.pattern(count: 70_000)
            try await client.send(WebSocketTestFrame.clientFrame(opcode: WebSocketTestFrame.Opcode.binary, payload: large))
            let binary = try await client.readWebSocketFrame()
            #expect(binary.opcode == WebSocketTestFrame.Opcode.binary)
            #expect(binary.payload == large)

            try await client.send(WebSocketTestFrame.clientFrame(opcode: WebSocketTestFrame.Opcode.ping, payload: [1, 2, 3]))
            let pong = try await client.readWebSocketFrame()
            #expect(pong == WebSocketTestFrame(opcode: WebSocketTestFrame.Opcode.pong, payload: [1, 2, 3]))

            try await client.send(WebSocketTestFrame.clientFrame(opcode: WebSocketTestFrame.Opcode.close, payload: [0x03, 0xE8]))
            let close = try await client.readWebSocketFrame()
            #expect(close == WebSocketTestFrame(opcode: WebSocketTestFrame.Opcode.close, payload: [0x03, 0xE8]))
            #expect(try await client.waitForClose())
            #expect(server.requestsServed == 1)
        }
    }

    @Test func frameHelperRoundTripsEveryLengthForm() throws {
        for length in [0, 5, 125, 126, 300, 65_535, 65_536, 70_000] {
            let payload = FarmFixture.pattern(count: length)
            let encoded = WebSocketTestFrame.clientFrame(opcode: WebSocketTestFrame.Opcode.binary, payload: payload, fin: false)
            let decoded = try #require(WebSocketTestFrame.decode(encoded[...] + [0xFF]))
            #expect(decoded.consumed == encoded.count)
            #expect(decoded.frame == WebSocketTestFrame(fin: false, opcode: WebSocketTestFrame.Opcode.binary, payload: payload))
            #expect(WebSocketTestFrame.decode(encoded.dropLast()[...]) == nil)
        }
    }
}
