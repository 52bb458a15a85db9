/// Result of feeding bytes of a chunked body to `ChunkedBodyScanner`.
enum ChunkedProgress: Sendable, Equatable {
    /// Every byte given belongs to the body, and the body goes on.
    case needMore
    /// The body ends after this many of the bytes given; the rest is the next message.
    case finished(bytesBelongingToBody: Int)
    /// The chunked framing is broken (fixed reason, for logs): close the connection.
    case invalid(String)
}

/// Tracks where a chunked body ends while its bytes pass through unchanged (RFC 9112 §7.1):
/// `chunk-size [chunk-ext] CRLF data CRLF` repeated, then `0 [chunk-ext] CRLF`, trailer lines,
/// and CRLF. A state machine, so bytes may arrive in any split, one at a time included.
struct ChunkedBodyScanner: Sendable, Equatable {
    /// 16 hex digits already exceed `Int.max` unless the first is below 8: more is never valid.
    static let maxChunkSizeDigits = 16
    /// A chunk-size line (size, extensions, CRLF) longer than this is rejected: extensions carry
    /// nothing the proxy needs, and unbounded ones would let a client stall the framing.
    static let maxChunkLineBytes = 4096
    /// The trailer section, as for the head: decisions.md's 16 KiB.
    static let maxTrailerBytes = HTTPHeadLimits.defaultMaxHeaderBytes

    private enum State: Sendable, Equatable {
        case sizeStart
        case sizeDigits
        /// Whitespace after the digits, allowed (BWS) only before ';'.
        case sizeWhitespace
        case chunkExtension
        case sizeLineFeed
        case data
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerName
        case trailerValue
        case trailerLineFeed
        case finalLineFeed
        case finished
        case failed(String)
    }

    private var state = State.sizeStart
    /// The chunk size while its line is read, then the data bytes still to come.
    private var remaining = 0
    private var sizeDigits = 0
    private var chunkLineBytes = 0
    private var trailerBytes = 0

    init() {}

    var isFinished: Bool { state == .finished }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) -> ChunkedProgress {
        var index = 0
        // Every pass consumes at least one byte.
        while index < bytes.count {
            if state == .data {
                let taken = min(remaining, bytes.count &- index)
                index &+= taken
                remaining &-= taken
                if remaining == 0 { state = .dataCarriageReturn }
                continue
            }
            if case .failed(let reason) = state { return .invalid(reason) }
            if state == .finished { return .finished(bytesBelongingToBody: index) }
            let byte = bytes[index]
            index &+= 1
            if let reason = step(byte) {
                state = .failed(reason)
                return .invalid(reason)
            }
            if state == .finished { return .finished(bytesBelongingToBody: index) }
        }
        switch state {
        case .finished: return .finished(bytesBelongingToBody: index)
        case .failed(let reason): return .invalid(reason)
        default: return .needMore
        }
    }

    /// Advances over one framing byte (any state but `.data`); returns why the byte is invalid.
    private mutating func step(_ byte: UInt8) -> String? {
        switch state {
        case .sizeStart:
            guard let digit = HTTP1Bytes.hexValue(byte) else { return "invalid chunk size" }
            remaining = Int(digit)
            sizeDigits = 1
            chunkLineBytes = 1
            state = .sizeDigits
            return nil
        case .sizeDigits:
            if let digit = HTTP1Bytes.hexValue(byte) {
                sizeDigits &+= 1
                guard sizeDigits <= Self.maxChunkSizeDigits else { return "chunk size has too many digits" }
                let (shifted, overflow) = remaining.multipliedReportingOverflow(by: 16)
                guard !overflow else { return "chunk size overflows" }
                remaining = shifted | Int(digit)
                return countChunkLineByte()
            }
            return afterChunkSize(byte)
        case .sizeWhitespace:
            return afterChunkSize(byte)
        case .chunkExtension:
            if byte == HTTP1Bytes.cr {
                state = .sizeLineFeed
            } else if byte == HTTP1Bytes.lf {
                return "chunk size line does not end with CRLF"
            } else if HTTP1Bytes.isForbiddenControl(byte) {
                return "invalid chunk extension"
            }
            return countChunkLineByte()
        case .sizeLineFeed:
            guard byte == HTTP1Bytes.lf else { return "chunk size line does not end with CRLF" }
            state = remaining == 0 ? .trailerLineStart : .data
            return nil
        case .dataCarriageReturn:
            guard byte == HTTP1Bytes.cr else { return "chunk data not followed by CRLF" }
            state = .dataLineFeed
            return nil
        case .dataLineFeed:
            guard byte == HTTP1Bytes.lf else { return "chunk data not followed by CRLF" }
            state = .sizeStart
            return nil
        case .trailerLineStart:
            if byte == HTTP1Bytes.cr {
                state = .finalLineFeed
            } else if HTTP1Bytes.isToken(byte) {
                state = .trailerName
            } else {
                return "invalid trailer line"
            }
            return countTrailerByte()
        case .trailerName:
            if byte == HTTP1Bytes.colon {
                state = .trailerValue
            } else if !HTTP1Bytes.isToken(byte) {
                return "invalid trailer name"
            }
            return countTrailerByte()
        case .trailerValue:
            if byte == HTTP1Bytes.cr {
                state = .trailerLineFeed
            } else if HTTP1Bytes.isForbiddenControl(byte) {
                return "control character in trailer value"
            }
            return countTrailerByte()
        case .trailerLineFeed:
            guard byte == HTTP1Bytes.lf else { return "trailer line does not end with CRLF" }
            state = .trailerLineStart
            return countTrailerByte()
        case .finalLineFeed:
            guard byte == HTTP1Bytes.lf else { return "chunked body does not end with CRLF" }
            state = .finished
            return nil
        case .data, .finished, .failed:
            preconditionFailure("consume(_:) handles state \(state) itself")
        }
    }

    /// After the size digits: more whitespace, an extension, or the line end. Anything else
    /// (a sign, "0x", a stray letter) makes the size ambiguous.
    private mutating func afterChunkSize(_ byte: UInt8) -> String? {
        if byte == HTTP1Bytes.cr {
            state = .sizeLineFeed
        } else if byte == HTTP1Bytes.semicolon {
            state = .chunkExtension
        } else if HTTP1Bytes.isWhitespace(byte) {
            state = .sizeWhitespace
        } else if byte == HTTP1Bytes.lf {
            return "chunk size line does not end with CRLF"
        } else {
            return "invalid chunk size"
        }
        return countChunkLineByte()
    }

    private mutating func countChunkLineByte() -> String? {
        chunkLineBytes &+= 1
        return chunkLineBytes > Self.maxChunkLineBytes ? "chunk size line too long" : nil
    }

    private mutating func countTrailerByte() -> String? {
        trailerBytes &+= 1
        return trailerBytes > Self.maxTrailerBytes ? "trailer section too large" : nil
    }
}
