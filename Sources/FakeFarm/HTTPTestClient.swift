import NIOCore
import NIOPosix

/// A raw-bytes HTTP/1.x client for tests: it writes exactly the bytes it is given and parses what comes
/// back, so tests can check framing, header order and connection reuse. Connects to 127.0.0.1.
public actor HTTPTestClient {
    public enum ClientError: Error, CustomStringConvertible {
        case timedOut(waitingFor: String)
        case closedEarly(waitingFor: String)
        case malformed(String)

        public var description: String {
            switch self {
            case .timedOut(let what): "HTTPTestClient: timed out waiting for \(what)"
            case .closedEarly(let what): "HTTPTestClient: connection closed while waiting for \(what)"
            case .malformed(let what): "HTTPTestClient: malformed response: \(what)"
            }
        }
    }

    public static let defaultTimeout: Duration = .seconds(10)

    private let channel: any Channel
    private let inbound: InboundBytes
    /// Received but not yet consumed: `received[consumed...]`.
    private var received: [UInt8] = []
    private var consumed = 0
    private var peerClosed = false

    private init(channel: any Channel, inbound: InboundBytes) {
        self.channel = channel
        self.inbound = inbound
    }

    public static func connect(port: Int) async throws -> HTTPTestClient {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let inbound = InboundBytes(eventLoop: eventLoop)
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(InboundBytesHandler(inbound: inbound))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return HTTPTestClient(channel: channel, inbound: inbound)
    }

    /// One request on a fresh connection with `Connection: close`; `Host` and `Content-Length` are added
    /// unless given. Interim 1xx responses are skipped (a 101 is returned).
    public static func request(
        port: Int,
        method: String = "GET",
        target: String = "/",
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration = defaultTimeout
    ) async throws -> TestResponse {
        func has(_ name: String) -> Bool { headers.contains { $0.0.lowercased() == name } }
        var head = "\(method) \(target) HTTP/1.1\r\n"
        if !has("host") { head += "Host: 127.0.0.1:\(port)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body, !has("content-length"), !has("transfer-encoding") { head += "Content-Length: \(body.count)\r\n" }
        if !has("connection") { head += "Connection: close\r\n" }
        head += "\r\n"

        let client = try await connect(port: port)
        do {
            try await client.send(Array(head.utf8) + (body ?? []))
            var response = try await client.readResponse(forHead: method == "HEAD", timeout: timeout)
            while (100..<200).contains(response.status) && response.status != 101 {
                response = try await client.readResponse(forHead: method == "HEAD", timeout: timeout)
            }
            await client.close()
            return response
        } catch {
            await client.close()
            throw error
        }
    }

    // MARK: Writing

    public func send(_ bytes: [UInt8]) async throws {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try await channel.writeAndFlush(buffer)
    }

    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Half-closes: the peer reads end-of-stream, replies can still arrive.
    public func shutdownOutput() async throws {
        try await channel.close(mode: .output)
    }

    public func close() async {
        try? await channel.close()
    }

    // MARK: Reading HTTP

    /// The next response. `forHead`: it answers a HEAD, so it has no body whatever its headers say.
    /// A 1xx comes back as its own response; after a 101 the rest of the stream is left for `readRaw`.
    public func readResponse(forHead: Bool = false, timeout: Duration = defaultTimeout) async throws -> TestResponse {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        var response = try await readHead(deadline: deadline)
        if forHead || (100..<200).contains(response.status) || response.status == 204 || response.status == 304 {
            return response
        }
        let transferEncoding = response.headerValues("transfer-encoding").joined(separator: ",").lowercased()
        if transferEncoding.contains("chunked") {
            try await readChunkedBody(into: &response, deadline: deadline)
        } else if let lengthText = response.header("content-length") {
            guard let length = Int(lengthText.trimmingSpaces), length >= 0 else {
                throw ClientError.malformed("Content-Length \(lengthText)")
            }
            response.body = try await take(length, deadline: deadline, what: "a \(length)-byte body")
        } else {
            response.body = try await takeUntilClose(deadline: deadline)
        }
        return response
    }

    /// Only the status line and headers; the body stays unread (for streaming checks with `readRaw`/`readUntil`).
    public func readResponseHead(timeout: Duration = defaultTimeout) async throws -> TestResponse {
        try await readHead(deadline: NIODeadline.now() + TimeAmount(timeout))
    }

    // MARK: Reading raw bytes

    /// Everything received so far once at least `count` bytes are there.
    public func readRaw(atLeast count: Int, timeout: Duration = defaultTimeout) async throws -> [UInt8] {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        while available < count {
            guard try await receive(deadline: deadline, what: "\(count) bytes") else {
                throw ClientError.closedEarly(waitingFor: "\(count) bytes")
            }
        }
        return take(available)
    }

    /// The bytes up to and including the first `marker`.
    public func readUntil(_ marker: String, timeout: Duration = defaultTimeout) async throws -> [UInt8] {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let end = try await waitFor(Array(marker.utf8), deadline: deadline, what: "\"\(marker)\"")
        return take(end - consumed)
    }

    /// The next WebSocket frame (after a 101).
    public func readWebSocketFrame(timeout: Duration = defaultTimeout) async throws -> WebSocketTestFrame {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        while true {
            if let (frame, length) = WebSocketTestFrame.decode(received[consumed...]) {
                consumed += length
                return frame
            }
            guard try await receive(deadline: deadline, what: "a WebSocket frame") else {
                throw ClientError.closedEarly(waitingFor: "a WebSocket frame")
            }
        }
    }

    /// True once the peer closes the connection within `timeout`, false if it stays open. Unread bytes are dropped.
    public func waitForClose(timeout: Duration = defaultTimeout) async throws -> Bool {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        while !peerClosed {
            switch await inbound.next(deadline: deadline) {
            case .bytes: continue
            case .closed: peerClosed = true
            case .timedOut: return false
            }
        }
        return true
    }

    // MARK: Internals

    private var available: Int { received.count - consumed }

    /// Waits for more bytes; false when the peer has closed.
    private func receive(deadline: NIODeadline, what: String) async throws -> Bool {
        if peerClosed { return false }
        switch await inbound.next(deadline: deadline) {
        case .bytes(let bytes):
            if consumed > 1 << 20 && consumed * 2 > received.count {
                received.removeFirst(consumed)
                consumed = 0
            }
            received.append(contentsOf: bytes)
            return true
        case .closed:
            peerClosed = true
            return false
        case .timedOut:
            throw ClientError.timedOut(waitingFor: what)
        }
    }

    private func take(_ count: Int) -> [UInt8] {
        defer { consumed += count }
        return Array(received[consumed..<(consumed + count)])
    }

    private func take(_ count: Int, deadline: NIODeadline, what: String) async throws -> [UInt8] {
        while available < count {
            guard try await receive(deadline: deadline, what: what) else { throw ClientError.closedEarly(waitingFor: what) }
        }
        return take(count)
    }

    private func takeUntilClose(deadline: NIODeadline) async throws -> [UInt8] {
        while try await receive(deadline: deadline, what: "the close that ends the body") {}
        return take(available)
    }

    /// The index just past the first `marker` in the unread bytes.
    private func waitFor(_ marker: [UInt8], deadline: NIODeadline, what: String) async throws -> Int {
        // Relative to `consumed`, since `receive` may compact `received`.
        var alreadyScanned = 0
        while true {
            if let found = ByteSearch.firstIndex(of: marker, in: received, from: consumed + alreadyScanned) {
                return found + marker.count
            }
            alreadyScanned = max(0, available - marker.count + 1)
            guard try await receive(deadline: deadline, what: what) else { throw ClientError.closedEarly(waitingFor: what) }
        }
    }

    private func readLine(deadline: NIODeadline, what: String) async throws -> String {
        let end = try await waitFor([13, 10], deadline: deadline, what: what)
        let line = take(end - consumed).dropLast(2)
        return String(decoding: line, as: UTF8.self)
    }

    private func readHead(deadline: NIODeadline) async throws -> TestResponse {
        let end = try await waitFor(Array("\r\n\r\n".utf8), deadline: deadline, what: "a response head")
        let headText = String(decoding: take(end - consumed).dropLast(4), as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let statusLine = lines.popFirst() else { throw ClientError.malformed("empty head") }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw ClientError.malformed("status line \(statusLine)")
        }
        return TestResponse(
            status: status,
            reason: parts.count > 2 ? String(parts[2]) : "",
            version: String(parts[0]),
            headers: try lines.map(Self.parseField)
        )
    }

    private static func parseField(_ line: Substring) throws -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: ":") else { throw ClientError.malformed("header line \(line)") }
        return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces)
    }

    private func readChunkedBody(into response: inout TestResponse, deadline: NIODeadline) async throws {
        var body: [UInt8] = []
        while true {
            let sizeLine = try await readLine(deadline: deadline, what: "a chunk size")
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1).first.map(String.init)?.trimmingSpaces ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw ClientError.malformed("chunk size \(sizeLine)") }
            if size == 0 { break }
            body += try await take(size, deadline: deadline, what: "a \(size)-byte chunk")
            guard try await take(2, deadline: deadline, what: "a chunk's CRLF") == [13, 10] else {
                throw ClientError.malformed("chunk not followed by CRLF")
            }
        }
        while true {
            let line = try await readLine(deadline: deadline, what: "the chunked trailer")
            if line.isEmpty { break }
            response.trailers.append(try Self.parseField(line[...]))
        }
        response.body = body
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
