import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTP2
import Testing

@testable import ProxyServer

/// Stands in for `DownstreamHandler` behind a real h2 server: once the request bytes are complete
/// it answers with them as the body, framed the way the test asks.
final class EchoDownstream: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Framing: Sendable, CaseIterable {
        /// `contentLengthThenClose`: a complete response, then the close `DownstreamHandler` makes
        /// when it will not keep the connection.
        case contentLength, contentLengthThenClose, chunked, untilClose
    }

    private let framing: Framing
    private var received = ""
    private var answered = false

    init(framing: Framing) { self.framing = framing }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        guard !answered, requestIsComplete else { return }
        answered = true
        if received.hasPrefix("HEAD ") {
            write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: keep-alive\r\n\r\n", context: context)
            context.flush()
            return
        }
        switch framing {
        case .contentLength, .contentLengthThenClose:
            write("HTTP/1.1 200 OK\r\nContent-Length: \(received.utf8.count)\r\nConnection: keep-alive\r\n\r\n", context: context)
            write(received, context: context)
        case .chunked:
            write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n", context: context)
            for character in received {
                let piece = String(character)
                write(String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n", context: context)
            }
            write("0\r\n\r\n", context: context)
        case .untilClose:
            write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", context: context)
            write(received, context: context)
        }
        context.flush()
        if framing == .untilClose || framing == .contentLengthThenClose { context.close(promise: nil) }
    }

    private var requestIsComplete: Bool {
        guard let headEnd = received.firstRange(of: "\r\n\r\n") else { return false }
        let headLines = received[..<headEnd.lowerBound].split(separator: "\r\n")
        if headLines.contains("transfer-encoding: chunked") { return received.hasSuffix("\r\n0\r\n\r\n") }
        if let field = headLines.first(where: { $0.hasPrefix("content-length: ") }),
            let length = Int(field.dropFirst("content-length: ".count))
        {
            return received[headEnd.upperBound...].utf8.count >= length
        }
        return true
    }

    private func write(_ text: String, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
    }
}

/// What an h2 client stream received.
final class ClientResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private(set) var heads: [HTTPResponseHead] = []
    private(set) var body = ""
    private(set) var ended = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): heads.append(head)
        case .body(let buffer): body += String(buffer: buffer)
        case .end: ended = true
        }
    }
}

/// A NIOHTTP2 client and server connected back to back on embedded channels; every server
/// stream runs codec → bridge → `EchoDownstream`.
struct H2ConnectionPair {
    let loop = EmbeddedEventLoop()
    let client: EmbeddedChannel
    let server: EmbeddedChannel
    let clientMultiplexer: NIOHTTP2Handler.StreamMultiplexer

    init(framing: EchoDownstream.Framing) throws {
        client = EmbeddedChannel(loop: loop)
        server = EmbeddedChannel(loop: loop)
        _ = try server.pipeline.syncOperations.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandlers([
                    HTTP2FramePayloadToHTTP1ServerCodec(), HTTP2StreamBridge(), EchoDownstream(framing: framing),
                ])
            }
        }
        clientMultiplexer = try client.pipeline.syncOperations.configureHTTP2Pipeline(
            mode: .client, connectionConfiguration: .init(), streamConfiguration: .init()
        ) { stream in
            stream.eventLoop.makeSucceededVoidFuture()
        }
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try server.connect(to: address).wait()
        try client.connect(to: address).wait()
        try exchangeBytes()
    }

    /// Sends one request on a new stream and moves bytes until both sides are quiet.
    func request(
        method: HTTPMethod, uri: String, headers: HTTPHeaders, body: String?
    ) throws -> ClientResponseCollector {
        let streamPromise = loop.makePromise(of: (any Channel).self)
        clientMultiplexer.createStreamChannel(promise: streamPromise) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandlers([
                    HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: .https), ClientResponseCollector(),
                ])
            }
        }
        loop.run()
        let stream = try streamPromise.futureResult.wait()
        let collector = try stream.pipeline.syncOperations.handler(type: ClientResponseCollector.self)
        stream.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)), promise: nil)
        if let body { stream.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil) }
        stream.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        try exchangeBytes()
        return collector
    }

    /// Bounded: a handful of round trips is all one exchange needs.
    private func exchangeBytes() throws {
        for _ in 0..<50 {
            loop.run()
            var moved = false
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                try server.writeInbound(bytes)
                moved = true
            }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                try client.writeInbound(bytes)
                moved = true
            }
            if !moved { return }
        }
        Issue.record("the connection pair never went quiet")
    }
}

@Suite("HTTP/2 bridge: through a real h2 client and server")
struct HTTP2BridgeEndToEndTests {
    @Test(arguments: EchoDownstream.Framing.allCases)
    func postWithContentLength(framing: EchoDownstream.Framing) throws {
        let pair = try H2ConnectionPair(framing: framing)
        let response = try pair.request(
            method: .POST, uri: "/echo?x=1",
            headers: [
                "host": "example.com", "content-length": "5", "cookie": "a=1", "Cookie": "b=2", "x-custom": "v",
            ],
            body: "hello")
        #expect(response.heads.map(\.status) == [.ok])
        #expect(
            response.body
                == "POST /echo?x=1 HTTP/1.1\r\nhost: example.com\r\ncontent-length: 5\r\ncookie: a=1; b=2\r\nx-custom: v\r\n\r\nhello"
        )
        #expect(response.ended)
        #expect(response.heads.first?.headers["connection"] == [])
    }

    @Test(arguments: EchoDownstream.Framing.allCases)
    func postWithoutLengthArrivesChunked(framing: EchoDownstream.Framing) throws {
        let pair = try H2ConnectionPair(framing: framing)
        let response = try pair.request(method: .POST, uri: "/", headers: ["host": "example.com"], body: "hi")
        #expect(response.heads.map(\.status) == [.ok])
        #expect(
            response.body == "POST / HTTP/1.1\r\nhost: example.com\r\ntransfer-encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n")
        #expect(response.ended)
    }

    @Test func getWithoutBody() throws {
        let pair = try H2ConnectionPair(framing: .contentLength)
        let response = try pair.request(method: .GET, uri: "/", headers: ["host": "example.com:8443"], body: nil)
        #expect(response.body == "GET / HTTP/1.1\r\nhost: example.com:8443\r\n\r\n")
        #expect(response.ended)
    }

    @Test func headResponseKeepsItsContentLengthWithoutABody() throws {
        let pair = try H2ConnectionPair(framing: .contentLength)
        let response = try pair.request(method: .HEAD, uri: "/", headers: ["host": "example.com"], body: nil)
        #expect(response.heads.map(\.status) == [.ok])
        #expect(response.heads.first?.headers["content-length"] == ["10"])
        #expect(response.body == "")
        #expect(response.ended)
    }

    @Test func severalStreamsOnOneConnection() throws {
        let pair = try H2ConnectionPair(framing: .chunked)
        for index in 0..<3 {
            let response = try pair.request(method: .GET, uri: "/\(index)", headers: ["host": "example.com"], body: nil)
            #expect(response.body == "GET /\(index) HTTP/1.1\r\nhost: example.com\r\n\r\n")
            #expect(response.ended)
        }
    }
}
