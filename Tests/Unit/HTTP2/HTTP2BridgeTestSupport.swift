import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP1
import NIOHTTP2
import Testing

@testable import ProxyServer

/// Stands in for `DownstreamHandler`: records the request bytes and writes canned response bytes.
final class FakeDownstream: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var received = ""
    private(set) var readCount = 0
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        readCount += 1
    }

    /// Writes each piece as a write of its own, then flushes.
    func send(_ pieces: [String]) {
        guard let context else { return }
        for piece in pieces { context.write(wrapOutboundOut(ByteBuffer(string: piece)), promise: nil) }
        context.flush()
    }

    func send(_ pieces: String...) { send(pieces) }

    /// One write and flush, reporting the write's outcome.
    func sendTracked(_ piece: String) -> EventLoopFuture<Void>? {
        guard let context else { return nil }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: piece)), promise: promise)
        return promise.futureResult
    }

    func close() { context?.close(promise: nil) }
}

/// The response as the h2 codec turned it into frames.
struct SentResponse {
    /// Each HEADERS block, one `name: value` string per field.
    var heads: [[String]] = []
    var body = ""
    var ended = false
    /// Frames written after END_STREAM: always a bug.
    var framesAfterEnd = 0

    var status: String? { heads.last?.first { $0.hasPrefix(":status: ") }.map { String($0.dropFirst(9)) } }
}

/// One h2 stream channel as the lead builds it: codec → bridge → (fake) `DownstreamHandler`.
struct BridgeHarness {
    let channel = EmbeddedChannel()
    let downstream = FakeDownstream()

    init() throws {
        try channel.pipeline.syncOperations.addHandlers([
            HTTP2FramePayloadToHTTP1ServerCodec(), HTTP2StreamBridge(), downstream,
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8443)).wait()
    }

    func receiveHeaders(_ fields: [(String, String)], endStream: Bool) throws {
        let headers = HTTP2Frame.FramePayload.Headers(headers: HPACKHeaders(fields), endStream: endStream)
        try channel.writeInbound(HTTP2Frame.FramePayload.headers(headers))
    }

    func receiveRequest(
        method: String = "GET", path: String = "/", authority: String = "example.com",
        _ fields: [(String, String)] = [], endStream: Bool
    ) throws {
        try receiveHeaders(
            [(":method", method), (":scheme", "https"), (":path", path), (":authority", authority)] + fields,
            endStream: endStream)
    }

    func receiveData(_ text: String, endStream: Bool = false) throws {
        let data = HTTP2Frame.FramePayload.Data(data: .byteBuffer(ByteBuffer(string: text)), endStream: endStream)
        try channel.writeInbound(HTTP2Frame.FramePayload.data(data))
    }

    /// A GET that ended with its HEADERS frame, so the response can follow at once.
    func receiveSimpleRequest(method: String = "GET") throws {
        try receiveRequest(method: method, endStream: true)
    }

    func sentResponse() throws -> SentResponse {
        var response = SentResponse()
        while let frame = try channel.readOutbound(as: HTTP2Frame.FramePayload.self) {
            if response.ended { response.framesAfterEnd += 1 }
            switch frame {
            case .headers(let headers):
                response.heads.append(headers.headers.map { "\($0.name): \($0.value)" })
                if headers.endStream { response.ended = true }
            case .data(let data):
                guard case .byteBuffer(let buffer) = data.data else {
                    Issue.record("file region in a DATA frame")
                    continue
                }
                response.body += String(buffer: buffer)
                if data.endStream { response.ended = true }
            default:
                Issue.record("unexpected frame \(frame)")
            }
        }
        return response
    }
}
