import LoadGen
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny in-process HTTP/1 server for loadgen's end-to-end tests. The query picks the behaviour:
/// `status=N` answers N, `delay=ms` answers late, `chunked=1` omits Content-Length (NIO then chunks),
/// `truncate=1` promises 100 body bytes, sends 10 and closes.
final class LoadGenTestServer: Sendable {
    private let served = NIOLockedValueBox(0)
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)

    var requestsServed: Int { served.withLockedValue { $0 } }

    var port: Int { channel.withLockedValue { $0?.localAddress?.port ?? 0 } }

    func start() async throws {
        let served = self.served
        let bound = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(LoadGenTestServerHandler(served: served))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        channel.withLockedValue { $0 = bound }
    }

    func stop() async throws {
        try await channel.withLockedValue { $0 }?.close()
    }

    func url(_ pathAndQuery: String = "/") -> String { "http://127.0.0.1:\(port)\(pathAndQuery)" }

    /// A loopback port nothing listens on: bound once to pick it, then closed.
    static func closedPort() async throws -> Int {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress?.port ?? 0
        try await probe.close()
        return port
    }

    /// Parses `arguments` like the command line and runs them on the shared event loops.
    static func runLoad(_ arguments: [String], body: [UInt8] = []) async throws -> RunReport {
        let plan = try LoadPlan(options: try LoadGenOptions.parse(arguments), body: body)
        return try await LoadRunner(plan: plan, group: MultiThreadedEventLoopGroup.singleton).run()
    }
}

private final class LoadGenTestServerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let served: NIOLockedValueBox<Int>
    private var head: HTTPRequestHead?

    init(served: NIOLockedValueBox<Int>) {
        self.served = served
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break
        case .end:
            guard let head else { return }
            served.withLockedValue { $0 += 1 }
            let query = Self.query(of: head.uri)
            let delay = Int64(query["delay"] ?? "") ?? 0
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let respond = { self.respond(context: loopBoundContext.value, head: head, query: query) }
            if delay > 0 {
                context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(delay), respond)
            } else {
                respond()
            }
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, query: [String: String]) {
        let status = HTTPResponseStatus(statusCode: Int(query["status"] ?? "") ?? 200)
        let body = ByteBuffer(string: "loadgen test body\n")
        var headers = HTTPHeaders([("Server", "loadgen-test")])
        if query["truncate"] != nil {
            headers.add(name: "Content-Length", value: "100")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "0123456789")))), promise: nil)
            context.close(promise: nil)
            return
        }
        if query["chunked"] == nil { headers.add(name: "Content-Length", value: "\(body.readableBytes)") }
        if !head.isKeepAlive {
            headers.add(name: "Connection", value: "close")
        } else if head.version == .http1_0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let keepAlive = head.isKeepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }

    private static func query(of uri: String) -> [String: String] {
        guard let start = uri.firstIndex(of: "?") else { return [:] }
        var pairs: [String: String] = [:]
        for pair in uri[uri.index(after: start)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            pairs[String(parts[0])] = parts.count == 2 ? String(parts[1]) : ""
        }
        return pairs
    }
}
