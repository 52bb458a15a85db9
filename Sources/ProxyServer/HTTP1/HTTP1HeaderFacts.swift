/// What the headers that decide framing and connection handling say, collected while the head is
/// scanned. Errors that one header line can show on its own are reported at once; rules that
/// combine headers are checked by the request and response scanners at the end of the head.
struct HTTP1HeaderFacts: Sendable {
    var contentLength: Int?
    var hasTransferEncoding = false
    var transferCodingCount = 0
    var chunkedCount = 0
    var finalCodingIsChunked = false
    var hostCount = 0
    var host: Range<Int>?
    var connectionClose = false
    var connectionKeepAlive = false
    var connectionUpgrade = false
    var connectionTokens: [Range<Int>] = []
    var hasUpgradeHeader = false
    var expectsContinue = false

    /// Takes note of one header line; returns the error it shows by itself, if any.
    mutating func record(_ known: KnownHeader, value: Range<Int>, in bytes: UnsafeRawBufferPointer) -> HeadError? {
        switch known {
        case .host:
            hostCount += 1
            if host == nil { host = value }
        case .contentLength:
            return recordContentLength(value, in: bytes)
        case .transferEncoding:
            return recordTransferEncoding(value, in: bytes)
        case .connection:
            recordConnection(value, in: bytes)
        case .upgrade:
            if !value.isEmpty { hasUpgradeHeader = true }
        case .expect:
            if HTTP1Bytes.equalsIgnoringCase(bytes, value, "100-continue") { expectsContinue = true }
        case .other, .keepAlive, .proxyConnection, .te, .trailer, .proxyAuthenticate, .proxyAuthorization,
            .xForwardedFor, .xForwardedProto, .xForwardedHost, .xForwardedServer:
            break
        }
        return nil
    }

    /// RFC 9112 §6.3: digits only; a list of identical values (as left by an intermediary that
    /// merged duplicates) counts as one; any disagreement is an unrecoverable framing error.
    private mutating func recordContentLength(_ value: Range<Int>, in bytes: UnsafeRawBufferPointer) -> HeadError? {
        var failure: HeadError?
        HTTP1Bytes.forEachListElement(bytes, value) { element in
            guard let length = Self.decimalValue(bytes, element) else {
                failure = .malformed("invalid Content-Length")
                return false
            }
            if let known = contentLength, known != length {
                failure = .malformed("conflicting Content-Length values")
                return false
            }
            contentLength = length
            return true
        }
        return failure
    }

    /// Non-empty run of decimal digits that fits an `Int`.
    private static func decimalValue(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        var value = 0
        for index in range {
            let byte = bytes[index]
            guard HTTP1Bytes.isDigit(byte) else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int(byte &- 0x30))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        return value
    }

    /// Transfer codings in order, across all Transfer-Encoding lines; what matters for framing is
    /// whether `chunked` is the final one and appears once. Empty list elements are skipped.
    private mutating func recordTransferEncoding(_ value: Range<Int>, in bytes: UnsafeRawBufferPointer) -> HeadError? {
        hasTransferEncoding = true
        var failure: HeadError?
        HTTP1Bytes.forEachListElement(bytes, value) { element in
            guard !element.isEmpty else { return true }
            var nameEnd = element.lowerBound
            while nameEnd < element.upperBound, HTTP1Bytes.isToken(bytes[nameEnd]) { nameEnd &+= 1 }
            let name = element.lowerBound..<nameEnd
            let parameters = HTTP1Bytes.trimmingWhitespace(bytes, nameEnd..<element.upperBound)
            let isChunked = HTTP1Bytes.equalsIgnoringCase(bytes, name, "chunked")
            // Parameters (`;name=value`) are allowed on other codings; chunked takes none.
            guard !name.isEmpty, parameters.isEmpty || (!isChunked && bytes[parameters.lowerBound] == HTTP1Bytes.semicolon)
            else {
                failure = .malformed("invalid Transfer-Encoding")
                return false
            }
            transferCodingCount += 1
            if isChunked { chunkedCount += 1 }
            finalCodingIsChunked = isChunked
            return true
        }
        return failure
    }

    /// Connection options: close, keep-alive and upgrade steer the connection; other tokens name
    /// hop-by-hop headers to strip (D27). Host, Content-Length and Transfer-Encoding are never
    /// taken as such: stripping them would change the framing the next hop sees (a smuggling
    /// vector). Elements that are not tokens name no header and are ignored.
    private mutating func recordConnection(_ value: Range<Int>, in bytes: UnsafeRawBufferPointer) {
        HTTP1Bytes.forEachListElement(bytes, value) { option in
            guard HTTP1Bytes.isToken(bytes, option) else { return true }
            if HTTP1Bytes.equalsIgnoringCase(bytes, option, "close") {
                connectionClose = true
            } else if HTTP1Bytes.equalsIgnoringCase(bytes, option, "keep-alive") {
                connectionKeepAlive = true
            } else if HTTP1Bytes.equalsIgnoringCase(bytes, option, "upgrade") {
                connectionUpgrade = true
            } else {
                switch KnownHeader(name: option, in: bytes) {
                case .host, .contentLength, .transferEncoding: break
                default: connectionTokens.append(option)
                }
            }
            return true
        }
    }

    /// Whether the connection may persist after this message, before any framing consideration.
    func persists(minorVersion: Int) -> Bool {
        minorVersion == 1 ? !connectionClose : connectionKeepAlive && !connectionClose
    }

    /// Flags the header lines whose names the Connection header listed.
    func markLinesNamedByConnection(_ headers: inout [HeaderLine], in bytes: UnsafeRawBufferPointer) {
        guard !connectionTokens.isEmpty else { return }
        for index in headers.indices {
            switch headers[index].known {
            case .host, .contentLength, .transferEncoding: continue
            default: break
            }
            let name = headers[index].name
            if connectionTokens.contains(where: { HTTP1Bytes.equalsIgnoringCase(bytes, name, $0) }) {
                headers[index].namedByConnection = true
            }
        }
    }
}
