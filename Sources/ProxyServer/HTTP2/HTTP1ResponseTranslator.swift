import NIOCore
import NIOHTTP1

/// Turns the HTTP/1.1 response bytes `DownstreamHandler` writes for one h2 stream into the parts
/// `HTTP2FramePayloadToHTTP1ServerCodec` takes. The bytes may be split at any point; the body
/// ends where its HTTP/1.1 framing says (Content-Length, the last chunk, or the writer closing),
/// which h2 marks with END_STREAM, so the framing headers themselves are not passed on.
struct HTTP1ResponseTranslator {
    /// What one write translates to, in this order. Usually just a body slice: no allocation.
    struct Output {
        /// 1xx heads (100 Continue, 103 Early Hints) that came before the final head.
        var informationalHeads: [HTTPResponseHead] = []
        var head: HTTPResponseHead?
        var body: ByteBuffer?
        var end = false
        /// The bytes cannot be a response: reset the stream after writing what is above.
        var closeStream = false
    }

    private enum State {
        /// Head bytes collected so far (kept from their first byte, as `HeadScanResume` needs).
        case head(pending: ByteBuffer?, resume: HeadScanResume)
        case contentLength(remaining: Int)
        /// The scanner finds where the body ends and rejects broken framing; the decoder then
        /// strips the framing from exactly the bytes the scanner accepted.
        case chunked(ChunkedBodyScanner, ChunkedDecoder)
        case untilClose
        /// One response per stream: anything after it is dropped.
        case complete
    }

    /// `DownstreamHandler` may add its own lines (Connection) to a head the backend was allowed
    /// to fill up to the default limits, so the limits here are twice those.
    static let limits = HTTPHeadLimits(
        maxRequestLine: HTTPHeadLimits.defaultMaxRequestLine,
        maxHeaderBytes: 2 * HTTPHeadLimits.defaultMaxHeaderBytes,
        maxHeaderCount: 2 * HTTPHeadLimits.defaultMaxHeaderCount)

    private var state = State.head(pending: nil, resume: HeadScanResume())
    /// A response to HEAD has no body whatever its Content-Length says.
    var requestWasHEAD = false

    var isComplete: Bool {
        if case .complete = state { return true }
        return false
    }

    mutating func translate(_ bytes: ByteBuffer) -> Output {
        var output = Output()
        var input = bytes
        // Each pass either ends the call or moves to a later state (1xx heads: consumes their bytes).
        while true {
            switch state {
            case .head(let pending, var resume):
                state = .complete  // drops the state's reference to `pending`, so appending need not copy it
                var buffer = input
                if let pending {
                    buffer = pending
                    buffer.writeBuffer(&input)
                }
                let scan = buffer.withUnsafeReadableBytes {
                    HTTP1Scanner.scanResponse($0, requestWasHEAD: requestWasHEAD, limits: Self.limits, resume: &resume)
                }
                switch scan {
                case .incomplete:
                    state = .head(pending: buffer, resume: resume)
                    return output
                case .invalid:
                    return failed(output)
                case .complete(let head):
                    // 101 belongs to HTTP/1.1 upgrades, which h2 does not have (RFC 9113 §8.6).
                    guard head.status != 101 else { return failed(output) }
                    let translated = buffer.withUnsafeReadableBytes { Self.responseHead(head, from: $0) }
                    buffer.moveReaderIndex(forwardBy: head.headLength)
                    input = buffer
                    if head.status < 200 {
                        output.informationalHeads.append(translated)
                        state = .head(pending: nil, resume: HeadScanResume())
                        continue
                    }
                    output.head = translated
                    switch head.framing {
                    case .none, .contentLength(0):
                        output.end = true
                        state = .complete
                    case .contentLength(let length):
                        state = .contentLength(remaining: length)
                    case .chunked:
                        state = .chunked(ChunkedBodyScanner(), ChunkedDecoder())
                    case .untilClose:
                        state = .untilClose
                    }
                }
            case .contentLength(let remaining):
                let taken = min(remaining, input.readableBytes)
                if taken > 0 { Self.append(input.readSlice(length: taken)!, to: &output) }
                if taken == remaining {
                    output.end = true
                    state = .complete
                } else {
                    state = .contentLength(remaining: remaining - taken)
                }
                return output
            case .chunked(var scanner, var decoder):
                let progress = input.withUnsafeReadableBytes { scanner.consume($0) }
                let bodyBytes: Int
                switch progress {
                case .needMore: bodyBytes = input.readableBytes
                case .finished(let count): bodyBytes = count
                case .invalid:
                    // The head is out already: only a reset tells the client the body is broken.
                    state = .complete
                    output.closeStream = true
                    return output
                }
                let chunkBytes = input.readSlice(length: bodyBytes)!
                chunkBytes.withUnsafeReadableBytes { raw in
                    decoder.decode(raw) { range in
                        Self.append(chunkBytes.getSlice(at: chunkBytes.readerIndex + range.lowerBound, length: range.count)!, to: &output)
                    }
                }
                if case .finished = progress {
                    output.end = true
                    state = .complete
                } else {
                    state = .chunked(scanner, decoder)
                }
                return output
            case .untilClose:
                if input.readableBytes > 0 { Self.append(input, to: &output) }
                return output
            case .complete:
                return output
            }
        }
    }

    /// The writer closes the stream: that ends a body delimited by the close. Returns whether an
    /// end must be written for it; a response cut short any other way stays unterminated, so the
    /// client sees a reset rather than a truncated body that looks complete.
    mutating func closeEndsResponse() -> Bool {
        guard case .untilClose = state else { return false }
        state = .complete
        return true
    }

    /// Answers 502, as `DownstreamHandler` does for a malformed backend response.
    private mutating func failed(_ output: Output) -> Output {
        var output = output
        state = .complete
        output.head = HTTPResponseHead(version: .http2, status: .badGateway, headers: ["content-length": "0"])
        output.end = true
        output.closeStream = true
        return output
    }

    private static func append(_ bytes: ByteBuffer, to output: inout Output) {
        if output.body == nil {
            output.body = bytes
        } else {
            output.body!.writeImmutableBuffer(bytes)
        }
    }

    /// The head without the fields that only mean something to an HTTP/1.1 connection (RFC 9113
    /// §8.2.2), names lowercased as h2 requires.
    private static func responseHead(_ head: ResponseHead, from raw: UnsafeRawBufferPointer) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count)
        for line in head.headers {
            switch line.known {
            case .connection, .keepAlive, .proxyConnection, .transferEncoding, .upgrade, .te, .trailer:
                continue  // Trailer announces trailers, which are not passed on
            case .contentLength:
                // RFC 9110 §8.6: never in a 1xx or 204 response.
                if head.status < 200 || head.status == 204 { continue }
            case .other:
                if line.namedByConnection { continue }
            default:
                break
            }
            let name = String(unsafeUninitializedCapacity: line.name.count) { name in
                for (offset, index) in line.name.enumerated() { name[offset] = HTTP1Bytes.lowercased(raw[index]) }
                return line.name.count
            }
            headers.add(name: name, value: String(decoding: UnsafeRawBufferPointer(rebasing: raw[line.value]), as: UTF8.self))
        }
        return HTTPResponseHead(version: .http2, status: HTTPResponseStatus(statusCode: head.status), headers: headers)
    }
}
