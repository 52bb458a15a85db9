/// Scans HTTP/1.x message heads in place and enforces the RFC 9112 framing rules a proxy must
/// check itself: one request line or status line, strict CRLF line ends, no obs-fold, token
/// header names, no control characters in values, exactly one consistent body length.
///
/// A scan records offsets only; the one allocation is the `headers` array. Callers hand over
/// the readable bytes (`ByteBuffer.withUnsafeReadableBytes`) and may simply re-scan the grown
/// buffer after each read; passing the same `HeadScanResume` each time makes that cheap.
enum HTTP1Scanner {
    private typealias Bytes = HTTP1Bytes

    static func scanRequest(_ bytes: UnsafeRawBufferPointer, limits: HTTPHeadLimits) -> HeadScan<RequestHead> {
        var resume = HeadScanResume()
        return scanRequest(bytes, limits: limits, resume: &resume)
    }

    static func scanResponse(
        _ bytes: UnsafeRawBufferPointer, requestWasHEAD: Bool, limits: HTTPHeadLimits
    ) -> HeadScan<ResponseHead> {
        var resume = HeadScanResume()
        return scanResponse(bytes, requestWasHEAD: requestWasHEAD, limits: limits, resume: &resume)
    }

    static func scanRequest(
        _ bytes: UnsafeRawBufferPointer, limits: HTTPHeadLimits, resume: inout HeadScanResume
    ) -> HeadScan<RequestHead> {
        let result = scanRequestHead(bytes, limits: limits, resume: &resume)
        if case .incomplete = result { return result }
        resume = HeadScanResume()
        return result
    }

    static func scanResponse(
        _ bytes: UnsafeRawBufferPointer, requestWasHEAD: Bool, limits: HTTPHeadLimits, resume: inout HeadScanResume
    ) -> HeadScan<ResponseHead> {
        let result = scanResponseHead(bytes, requestWasHEAD: requestWasHEAD, limits: limits, resume: &resume)
        if case .incomplete = result { return result }
        resume = HeadScanResume()
        return result
    }

    // MARK: - Requests

    private static func scanRequestHead(
        _ bytes: UnsafeRawBufferPointer, limits: HTTPHeadLimits, resume: inout HeadScanResume
    ) -> HeadScan<RequestHead> {
        if let verdict = resume.verdictWithoutRescan(bytes, limits: limits) { return verdict.scan() }

        // RFC 9112 §2.2: a server should ignore empty lines received before the request line.
        var start = 0
        while start &+ 1 < bytes.count, bytes[start] == Bytes.cr, bytes[start &+ 1] == Bytes.lf { start &+= 2 }

        let requestLine: Range<Int>
        switch findStartLine(bytes, from: start, limits: limits, resume: &resume) {
        case .found(let line): requestLine = line
        case .stopped(let verdict): return verdict.scan()
        }
        let parsed: ParsedRequestLine
        switch parseRequestLine(bytes, requestLine) {
        case .success(let line): parsed = line
        case .failure(let error): return .invalid(error)
        }
        let absoluteAuthority: Range<Int>?
        switch checkTargetForm(bytes, parsed) {
        case .success(let authority): absoluteAuthority = authority
        case .failure(let error): return .invalid(error)
        }

        var headers: [HeaderLine] = []
        var facts = HTTP1HeaderFacts()
        let headLength: Int
        switch scanHeaderSection(
            bytes, from: requestLine.upperBound &+ 2, limits: limits, resume: &resume, headers: &headers, facts: &facts)
        {
        case .complete(let end): headLength = end
        case .stopped(let verdict): return verdict.scan()
        }

        let framing: BodyFraming
        switch requestFraming(facts, minorVersion: parsed.minorVersion) {
        case .success(let result): framing = result
        case .failure(let error): return .invalid(error)
        }
        if facts.hostCount > 1 { return .invalid(.malformed("more than one Host header")) }
        if facts.hostCount == 0 && parsed.minorVersion == 1 { return .invalid(.malformed("missing Host header")) }
        if let host = facts.host, !Bytes.isValidHost(bytes, host) { return .invalid(.malformed("invalid Host header")) }
        facts.markLinesNamedByConnection(&headers, in: bytes)

        let isHTTP11 = parsed.minorVersion == 1
        return .complete(
            RequestHead(
                method: parsed.method,
                target: parsed.target,
                minorVersion: parsed.minorVersion,
                headers: headers,
                headLength: headLength,
                framing: framing,
                host: absoluteAuthority ?? facts.host,
                keepAlive: facts.persists(minorVersion: parsed.minorVersion),
                // RFC 9110 §7.8: Upgrade in an HTTP/1.0 request is ignored.
                upgrade: isHTTP11 && facts.connectionUpgrade && facts.hasUpgradeHeader,
                expectContinue: isHTTP11 && facts.expectsContinue,
                connectionTokens: facts.connectionTokens,
                isHEAD: Bytes.equalsExactly(bytes, parsed.method, "HEAD")
            ))
    }

    private struct ParsedRequestLine {
        var method: Range<Int>
        var target: Range<Int>
        var minorVersion: Int
    }

    /// `method SP request-target SP HTTP-version`, single spaces, nothing else.
    private static func parseRequestLine(
        _ bytes: UnsafeRawBufferPointer, _ line: Range<Int>
    ) -> Result<ParsedRequestLine, HeadError> {
        var index = line.lowerBound
        while index < line.upperBound, Bytes.isToken(bytes[index]) { index &+= 1 }
        guard index > line.lowerBound, index < line.upperBound, bytes[index] == Bytes.space else {
            return .failure(.malformed("invalid method"))
        }
        let method = line.lowerBound..<index
        index &+= 1
        let targetStart = index
        // Visible ASCII, plus bytes >= 0x80 that some clients send unencoded; never controls.
        guard let targetEnd = Bytes.firstSpaceOrControl(in: bytes, from: index, to: line.upperBound),
            targetEnd > targetStart
        else { return .failure(.malformed("invalid request line")) }
        index = targetEnd
        guard bytes[index] == Bytes.space else { return .failure(.malformed("invalid character in request target")) }
        let target = targetStart..<index
        guard let version = parseVersion(bytes, (index &+ 1)..<line.upperBound) else {
            return .failure(.malformed("invalid HTTP version"))
        }
        guard version.major == 1, version.minor <= 1 else { return .failure(.unsupportedVersion) }
        return .success(ParsedRequestLine(method: method, target: target, minorVersion: version.minor))
    }

    /// Origin-form, absolute-form (http/https) or, for OPTIONS only, asterisk-form; authority-form
    /// belongs to CONNECT, which a reverse proxy does not offer. Returns an absolute-form authority.
    private static func checkTargetForm(
        _ bytes: UnsafeRawBufferPointer, _ line: ParsedRequestLine
    ) -> Result<Range<Int>?, HeadError> {
        if Bytes.equalsExactly(bytes, line.method, "CONNECT") {
            return .failure(.malformed("CONNECT is not supported"))
        }
        let first = bytes[line.target.lowerBound]
        if first == Bytes.slash { return .success(nil) }
        if first == Bytes.asterisk && line.target.count == 1 {
            return Bytes.equalsExactly(bytes, line.method, "OPTIONS")
                ? .success(nil) : .failure(.malformed("asterisk-form target is only allowed with OPTIONS"))
        }
        guard let authority = RequestTarget.split(bytes, target: line.target).absoluteHost else {
            return .failure(.malformed("unsupported request-target form"))
        }
        guard !authority.isEmpty, Bytes.isValidHost(bytes, authority) else {
            return .failure(.malformed("invalid authority in absolute-form target"))
        }
        return .success(authority)
    }

    /// RFC 9112 §6.1 and §6.3 for requests: Transfer-Encoding wins only as `chunked` last and
    /// alone as the length source; anything ambiguous is rejected rather than guessed.
    private static func requestFraming(_ facts: HTTP1HeaderFacts, minorVersion: Int) -> Result<BodyFraming, HeadError> {
        guard facts.hasTransferEncoding else {
            return .success(facts.contentLength.map(BodyFraming.contentLength) ?? BodyFraming.none)
        }
        if facts.contentLength != nil { return .failure(.malformed("both Transfer-Encoding and Content-Length")) }
        if minorVersion == 0 { return .failure(.malformed("Transfer-Encoding in an HTTP/1.0 request")) }
        if facts.transferCodingCount == 0 { return .failure(.malformed("empty Transfer-Encoding")) }
        if facts.chunkedCount > 1 { return .failure(.malformed("chunked applied more than once")) }
        if !facts.finalCodingIsChunked { return .failure(.unsupportedTransferEncoding) }
        return .success(.chunked)
    }

    // MARK: - Responses

    private static func scanResponseHead(
        _ bytes: UnsafeRawBufferPointer, requestWasHEAD: Bool, limits: HTTPHeadLimits, resume: inout HeadScanResume
    ) -> HeadScan<ResponseHead> {
        if let verdict = resume.verdictWithoutRescan(bytes, limits: limits) { return verdict.scan() }

        let statusLine: Range<Int>
        switch findStartLine(bytes, from: 0, limits: limits, resume: &resume) {
        case .found(let line): statusLine = line
        case .stopped(let verdict): return verdict.scan()
        }
        let minorVersion: Int
        let status: Int
        switch parseStatusLine(bytes, statusLine) {
        case .success(let parsed): (minorVersion, status) = parsed
        case .failure(let error): return .invalid(error)
        }

        var headers: [HeaderLine] = []
        var facts = HTTP1HeaderFacts()
        let headLength: Int
        switch scanHeaderSection(
            bytes, from: statusLine.upperBound &+ 2, limits: limits, resume: &resume, headers: &headers, facts: &facts)
        {
        case .complete(let end): headLength = end
        case .stopped(let verdict): return verdict.scan()
        }

        // RFC 9112 §6.3: such a message is a smuggling attempt or a broken server; a proxy that
        // forwards the head unchanged must not pass it on.
        if facts.hasTransferEncoding && facts.contentLength != nil {
            return .invalid(.malformed("both Transfer-Encoding and Content-Length"))
        }
        if facts.chunkedCount > 1 { return .invalid(.malformed("chunked applied more than once")) }
        let framing: BodyFraming
        if requestWasHEAD || status < 200 || status == 204 || status == 304 {
            framing = .none
        } else if facts.hasTransferEncoding {
            // Not chunked last, or an HTTP/1.0 message (§6.1: faulty framing): read until close.
            framing = facts.finalCodingIsChunked && minorVersion == 1 ? .chunked : .untilClose
        } else if let length = facts.contentLength {
            framing = .contentLength(length)
        } else {
            framing = .untilClose
        }
        facts.markLinesNamedByConnection(&headers, in: bytes)
        return .complete(
            ResponseHead(
                status: status,
                minorVersion: minorVersion,
                headers: headers,
                headLength: headLength,
                framing: framing,
                keepAlive: framing != .untilClose && facts.persists(minorVersion: minorVersion),
                connectionTokens: facts.connectionTokens
            ))
    }

    /// `HTTP-version SP 3DIGIT [SP reason-phrase]`. The space before an empty reason is optional
    /// because many servers omit it.
    private static func parseStatusLine(
        _ bytes: UnsafeRawBufferPointer, _ line: Range<Int>
    ) -> Result<(minorVersion: Int, status: Int), HeadError> {
        let versionEnd = line.lowerBound &+ 8
        guard versionEnd <= line.upperBound, let version = parseVersion(bytes, line.lowerBound..<versionEnd) else {
            return .failure(.malformed("invalid status line"))
        }
        guard version.major == 1, version.minor <= 1 else { return .failure(.unsupportedVersion) }
        let statusStart = versionEnd &+ 1
        let statusEnd = statusStart &+ 3
        guard statusEnd <= line.upperBound, bytes[versionEnd] == Bytes.space else {
            return .failure(.malformed("invalid status line"))
        }
        var status = 0
        for index in statusStart..<statusEnd {
            guard Bytes.isDigit(bytes[index]) else { return .failure(.malformed("invalid status code")) }
            status = status &* 10 &+ Int(bytes[index] &- 0x30)
        }
        guard status >= 100 else { return .failure(.malformed("invalid status code")) }
        if statusEnd < line.upperBound {
            guard bytes[statusEnd] == Bytes.space, !Bytes.containsForbiddenControl(bytes, statusEnd..<line.upperBound)
            else { return .failure(.malformed("invalid reason phrase")) }
        }
        return .success((version.minor, status))
    }

    // MARK: - Shared

    /// `HTTP/` DIGIT `.` DIGIT, exactly (the name is case-sensitive, RFC 9112 §2.3).
    private static func parseVersion(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> (major: Int, minor: Int)? {
        let start = range.lowerBound
        guard range.count == 8,
            bytes[start] == UInt8(ascii: "H"), bytes[start &+ 1] == UInt8(ascii: "T"),
            bytes[start &+ 2] == UInt8(ascii: "T"), bytes[start &+ 3] == UInt8(ascii: "P"),
            bytes[start &+ 4] == Bytes.slash, Bytes.isDigit(bytes[start &+ 5]),
            bytes[start &+ 6] == UInt8(ascii: "."), Bytes.isDigit(bytes[start &+ 7])
        else { return nil }
        return (Int(bytes[start &+ 5] &- 0x30), Int(bytes[start &+ 7] &- 0x30))
    }

    private enum StartLineSearch {
        /// The line without its CRLF.
        case found(Range<Int>)
        case stopped(HeadScanResume.Verdict)
    }

    /// Finds the request/status line's end, enforcing the line limit before the line is complete.
    private static func findStartLine(
        _ bytes: UnsafeRawBufferPointer, from start: Int, limits: HTTPHeadLimits, resume: inout HeadScanResume
    ) -> StartLineSearch {
        let searchEnd = min(bytes.count, limits.maxRequestLine &+ 2)
        guard let lineFeed = Bytes.firstIndex(of: Bytes.lf, in: bytes, from: start, to: searchEnd) else {
            return .stopped(resume.pause(bytes, limits: limits, lineStart: start, searchedTo: searchEnd, sectionStart: nil))
        }
        guard lineFeed > start, bytes[lineFeed &- 1] == Bytes.cr else {
            return .stopped(.invalid(.malformed("line ends with a bare LF")))
        }
        guard lineFeed &- 1 <= limits.maxRequestLine else { return .stopped(.invalid(.requestLineTooLong)) }
        return .found(start..<(lineFeed &- 1))
    }

    private enum SectionScan {
        /// Offset just after the empty line that ends the head.
        case complete(end: Int)
        case stopped(HeadScanResume.Verdict)
    }

    /// Header lines up to and including the empty line (RFC 9112 §5): `name ":" OWS value OWS CRLF`.
    private static func scanHeaderSection(
        _ bytes: UnsafeRawBufferPointer, from sectionStart: Int, limits: HTTPHeadLimits,
        resume: inout HeadScanResume, headers: inout [HeaderLine], facts: inout HTTP1HeaderFacts
    ) -> SectionScan {
        let sectionLimit = sectionStart &+ limits.maxHeaderBytes
        headers.reserveCapacity(16)
        var lineStart = sectionStart
        func pause(searchedTo: Int) -> SectionScan {
            resume.headerCountReached = headers.count >= limits.maxHeaderCount
            return .stopped(
                resume.pause(bytes, limits: limits, lineStart: lineStart, searchedTo: searchedTo, sectionStart: sectionStart))
        }
        // Each pass consumes one line; the section limit bounds the number of passes.
        while true {
            guard lineStart < bytes.count else { return pause(searchedTo: lineStart) }
            let first = bytes[lineStart]
            if first == Bytes.cr {
                guard lineStart &+ 1 < bytes.count else { return pause(searchedTo: lineStart) }
                guard bytes[lineStart &+ 1] == Bytes.lf else { return .stopped(.invalid(.malformed("CR without LF"))) }
                let end = lineStart &+ 2
                guard end <= sectionLimit else { return .stopped(.invalid(.headersTooLarge)) }
                return .complete(end: end)
            }
            if first == Bytes.lf { return .stopped(.invalid(.malformed("line ends with a bare LF"))) }
            if Bytes.isWhitespace(first) { return .stopped(.invalid(.malformed("obsolete line folding"))) }
            guard headers.count < limits.maxHeaderCount else { return .stopped(.invalid(.headersTooLarge)) }

            let searchEnd = min(bytes.count, sectionLimit)
            guard let lineFeed = Bytes.firstIndex(of: Bytes.lf, in: bytes, from: lineStart, to: searchEnd) else {
                return pause(searchedTo: searchEnd)
            }
            guard bytes[lineFeed &- 1] == Bytes.cr else {
                return .stopped(.invalid(.malformed("line ends with a bare LF")))
            }
            let lineContentEnd = lineFeed &- 1

            var nameEnd = lineStart
            while nameEnd < lineContentEnd, Bytes.isToken(bytes[nameEnd]) { nameEnd &+= 1 }
            guard nameEnd < lineContentEnd, bytes[nameEnd] == Bytes.colon else {
                if nameEnd < lineContentEnd && Bytes.isWhitespace(bytes[nameEnd]) {
                    return .stopped(.invalid(.malformed("whitespace before colon")))
                }
                return .stopped(.invalid(.malformed("invalid header name")))
            }
            guard nameEnd > lineStart else { return .stopped(.invalid(.malformed("empty header name"))) }
            let value = Bytes.trimmingWhitespace(bytes, (nameEnd &+ 1)..<lineContentEnd)
            if Bytes.containsForbiddenControl(bytes, value) {
                return .stopped(.invalid(.malformed("control character in header value")))
            }
            let known = KnownHeader(name: lineStart..<nameEnd, in: bytes)
            if known != .other, let error = facts.record(known, value: value, in: bytes) {
                return .stopped(.invalid(error))
            }
            headers.append(
                HeaderLine(
                    lineStart: lineStart, lineEnd: lineFeed &+ 1, nameEnd: nameEnd,
                    valueStart: value.lowerBound, valueEnd: value.upperBound, known: known))
            lineStart = lineFeed &+ 1
        }
    }
}

/// Remembers how far an incomplete head was scanned, so that re-scanning a head that grows a few
/// bytes at a time only re-parses it when a new line has arrived (at most once per line), instead
/// of once per read. Valid only while the scanned buffer keeps its start and only grows; start
/// with a fresh value for every new head. The scanner resets it when it returns `.complete` or
/// `.invalid`.
struct HeadScanResume: Sendable, Equatable {
    /// The next line end is searched from here; no earlier byte of the pending line is a LF.
    fileprivate(set) var searchFrom = 0
    /// Start of the line that is still incomplete.
    fileprivate(set) var pendingLineStart = 0
    /// Where the header section starts; `nil` while the start line is incomplete.
    fileprivate(set) var headerSectionStart: Int?
    /// The header line limit is reached, so any further header line is one too many.
    fileprivate(set) var headerCountReached = false
    /// Set once a scan stopped on an incomplete head.
    fileprivate(set) var isPaused = false
}

extension HeadScanResume {
    /// Outcome of looking at an incomplete head without re-parsing it.
    enum Verdict {
        case incomplete
        case invalid(HeadError)

        func scan<Head>() -> HeadScan<Head> {
            switch self {
            case .incomplete: .incomplete
            case .invalid(let error): .invalid(error)
            }
        }
    }

    /// Records where an incomplete head stopped, then applies the limits.
    mutating func pause(
        _ bytes: UnsafeRawBufferPointer, limits: HTTPHeadLimits, lineStart: Int, searchedTo: Int, sectionStart: Int?
    ) -> Verdict {
        isPaused = true
        pendingLineStart = lineStart
        searchFrom = searchedTo
        headerSectionStart = sectionStart
        if sectionStart == nil { headerCountReached = false }
        return limitVerdict(bytes, limits: limits)
    }

    /// For a head scanned before: while no new line end has arrived nothing can have completed,
    /// so only the limits need checking. `nil` means the head must be scanned again.
    mutating func verdictWithoutRescan(_ bytes: UnsafeRawBufferPointer, limits: HTTPHeadLimits) -> Verdict? {
        guard isPaused, searchFrom <= bytes.count else { return nil }
        let searchEnd = min(bytes.count, limitEnd(limits))
        if HTTP1Bytes.firstIndex(of: HTTP1Bytes.lf, in: bytes, from: searchFrom, to: searchEnd) != nil { return nil }
        searchFrom = max(searchFrom, searchEnd)
        return limitVerdict(bytes, limits: limits)
    }

    /// The offset the head must have ended by, for the part being scanned.
    private func limitEnd(_ limits: HTTPHeadLimits) -> Int {
        headerSectionStart.map { $0 &+ limits.maxHeaderBytes } ?? limits.maxRequestLine &+ 2
    }

    /// What can be said of an incomplete head without its line end: the checks a header scan
    /// makes at the start of a line, then the limits (the head ends past the end of `bytes`, so
    /// reaching a limit is already too much). A full scan has made the line-start checks already;
    /// repeating them here keeps a resumed scan's answers the same as a full scan's.
    private func limitVerdict(_ bytes: UnsafeRawBufferPointer, limits: HTTPHeadLimits) -> Verdict {
        if headerSectionStart != nil && bytes.count > pendingLineStart {
            let first = bytes[pendingLineStart]
            if first == HTTP1Bytes.cr {
                let next = pendingLineStart &+ 1
                if next < bytes.count && bytes[next] != HTTP1Bytes.lf { return .invalid(.malformed("CR without LF")) }
            } else if HTTP1Bytes.isWhitespace(first) {
                return .invalid(.malformed("obsolete line folding"))
            } else if headerCountReached {
                return .invalid(.headersTooLarge)
            }
        }
        guard bytes.count < limitEnd(limits) else {
            return .invalid(headerSectionStart == nil ? .requestLineTooLong : .headersTooLarge)
        }
        return .incomplete
    }
}
