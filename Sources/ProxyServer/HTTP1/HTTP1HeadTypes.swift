// Results of scanning an HTTP/1.1 message head. Every position is a byte offset into the buffer
// that was scanned: the proxy forwards the original bytes and never builds a String per header.

/// Size limits for one message head (decisions.md, "Limits"); past them a request gets 414 or 431.
struct HTTPHeadLimits: Sendable, Equatable {
    /// Request line 8 KiB (decisions.md).
    static let defaultMaxRequestLine = 8192
    /// All request headers 16 KiB (decisions.md).
    static let defaultMaxHeaderBytes = 16384
    /// All request headers 100 lines (decisions.md).
    static let defaultMaxHeaderCount = 100

    /// Longest request line (status line for responses) without its CRLF. Empty lines ignored
    /// before a request line count towards it.
    var maxRequestLine = defaultMaxRequestLine
    /// Longest header section: every header line plus the final empty line, CRLFs included.
    var maxHeaderBytes = defaultMaxHeaderBytes
    /// Most header lines.
    var maxHeaderCount = defaultMaxHeaderCount
}

/// The header names the data path acts on. Anything else is `.other` and passes through untouched.
enum KnownHeader: UInt8, Sendable, Equatable {
    case other, host, contentLength, transferEncoding, connection, keepAlive, proxyConnection,
        te, trailer, upgrade, proxyAuthenticate, proxyAuthorization, expect, xForwardedFor, xForwardedProto,
        xForwardedHost, xForwardedServer
}

/// One header line. `lineStart..<lineEnd` is the whole line including its CRLF (the unit to drop
/// or forward); the name is `lineStart..<nameEnd`; the value has its surrounding whitespace trimmed.
struct HeaderLine: Sendable, Equatable {
    var lineStart: Int
    /// Just after the line's CRLF.
    var lineEnd: Int
    var nameEnd: Int
    var valueStart: Int
    var valueEnd: Int
    var known: KnownHeader
    /// The `Connection` header names this header, so it is hop-by-hop and must not be forwarded
    /// (RFC 9110 §7.6.1, D27). Never set on Host, Content-Length or Transfer-Encoding, which
    /// frame the message for every hop.
    var namedByConnection = false

    var name: Range<Int> { lineStart..<nameEnd }
    var value: Range<Int> { valueStart..<valueEnd }
}

/// How the message body is delimited (RFC 9112 §6.3).
enum BodyFraming: Sendable, Equatable {
    case none
    /// Exactly this many bytes. Zero is kept distinct from `.none` so the head can be forwarded as sent.
    case contentLength(Int)
    /// Chunked as the final transfer coding: track the end with `ChunkedBodyScanner`.
    case chunked
    /// Responses only: the body ends when the server closes the connection.
    case untilClose
}

struct RequestHead: Sendable, Equatable {
    /// The request starts at `method.lowerBound`: empty lines (CRLF) before the request line are
    /// ignored as RFC 9112 §2.2 recommends, and are not part of the request to forward.
    var method: Range<Int>
    /// Raw request-target, forwarded unchanged; split it with `RequestTarget.split`.
    var target: Range<Int>
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    var minorVersion: Int
    var headers: [HeaderLine]
    /// Offset just after the final CRLFCRLF; the body (or the next pipelined request) starts here.
    var headLength: Int
    var framing: BodyFraming
    /// The authority the request is for: from an absolute-form target if there is one (RFC 9112
    /// §3.2.2 says the Host header is then ignored), otherwise the Host header's value. `nil`
    /// only for an HTTP/1.0 request without Host. May be empty (`Host:` with no value).
    var host: Range<Int>?
    /// Whether the client lets the connection persist: HTTP/1.1 unless `Connection: close`;
    /// HTTP/1.0 only with `Connection: keep-alive`.
    var keepAlive: Bool
    /// HTTP/1.1, `Connection` lists `upgrade`, and a non-empty `Upgrade` header is present.
    var upgrade: Bool
    /// HTTP/1.1 with `Expect: 100-continue` (an HTTP/1.0 expectation is ignored, RFC 9110 §10.1.1).
    var expectContinue: Bool
    /// Header names listed in `Connection` other than close/keep-alive/upgrade (and never Host,
    /// Content-Length or Transfer-Encoding); the matching lines carry `namedByConnection`.
    var connectionTokens: [Range<Int>]
    var isHEAD: Bool
}

struct ResponseHead: Sendable, Equatable {
    var status: Int
    var minorVersion: Int
    var headers: [HeaderLine]
    /// Offset just after the final CRLFCRLF.
    var headLength: Int
    var framing: BodyFraming
    /// False when the server asked to close, for an HTTP/1.0 response without keep-alive, and
    /// whenever the body is delimited by the close.
    var keepAlive: Bool
    var connectionTokens: [Range<Int>]
}

/// Why a head was rejected. For requests `status` is the answer to send (then close the
/// connection); a rejected response is a 502 whatever the case.
enum HeadError: Error, Sendable, Equatable {
    case requestLineTooLong
    case headersTooLarge
    /// The reason is a fixed literal, for logs.
    case malformed(String)
    case unsupportedTransferEncoding
    case unsupportedVersion

    var status: Int {
        switch self {
        case .requestLineTooLong: 414
        case .headersTooLarge: 431
        case .malformed: 400
        case .unsupportedTransferEncoding: 501
        case .unsupportedVersion: 505
        }
    }
}

enum HeadScan<Head> {
    /// More bytes are needed; call again once more have arrived.
    case incomplete
    case complete(Head)
    case invalid(HeadError)
}

extension HeadScan: Sendable where Head: Sendable {}
extension HeadScan: Equatable where Head: Equatable {}
