@testable import HTTP1Wire

/// The HTTP/1.1 scanners as the proxy drives them (DownstreamHandler.processInput): a request head scanned in the
/// whole buffer must give the same answer as the same bytes arriving in several reads (the `HeadScanResume` path);
/// a complete head's offsets must lie inside it; a chunked body must end at the same byte however it is split;
/// then the next pipelined request is scanned the same way. The response head scanner gets the same checks.
///
/// Input: one control byte (bits 0–2: how long reads are, bits 3–6: their sequence, bit 7: the request was HEAD,
/// for the response scan), then the bytes as a client sends them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let control = data[0]
    let message = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let reads = ReadPlan(control: control)

    var offset = 0
    var requests = 0
    // Each pass consumes a head (at least 4 bytes) or stops.
    while offset < message.count, requests < 64 {
        let rest = UnsafeRawBufferPointer(rebasing: message[offset...])
        let scan = scannedBothWays(rest, reads: reads) { bytes, resume in
            HTTP1Scanner.scanRequest(bytes, limits: HTTPHeadLimits(), resume: &resume)
        }
        guard case .complete(let head) = scan else { break }
        check(head, in: rest)
        offset += head.headLength
        requests += 1
        switch head.framing {
        case .none, .untilClose:
            continue
        case .contentLength(let length):
            offset += min(length, message.count - offset)
        case .chunked:
            let body = UnsafeRawBufferPointer(rebasing: message[offset...])
            guard let bodyLength = chunkedBodyLength(body, reads: reads) else { return 0 }
            offset += bodyLength
        }
    }

    let response = scannedBothWays(message, reads: reads) { bytes, resume in
        HTTP1Scanner.scanResponse(bytes, requestWasHEAD: control & 0x80 != 0, limits: HTTPHeadLimits(), resume: &resume)
    }
    if case .complete(let head) = response {
        expect(head.headLength <= message.count && endsWithEmptyLine(message, at: head.headLength), "response head end")
        check(head.headers, in: message, headLength: head.headLength, firstLineEnd: 0)
        expect((100...999).contains(head.status), "status \(head.status) has three digits")
    }
    return 0
}

/// Read lengths drawn from the control byte: a span (1 byte to more than the limits) and a small LCG for variety.
struct ReadPlan {
    /// Past this many reads the last one takes the rest, so that a long input stays cheap to check.
    static let maxReads = 64
    private static let spans = [1, 2, 7, 16, 64, 300, 1500, 9000]
    let span: Int
    let seed: UInt64

    init(control: UInt8) {
        span = Self.spans[Int(control & 0x07)]
        seed = UInt64((control >> 3) & 0x0F)
    }

    /// Ends of the successive reads of `count` bytes, the last one `count`.
    func readEnds(count: Int) -> [Int] {
        var ends: [Int] = []
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var end = 0
        while end < count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = 1 + Int((state >> 33) % UInt64(span))
            end = ends.count == Self.maxReads - 1 ? count : min(count, end + length)
            ends.append(end)
        }
        return ends
    }
}

/// Runs `body` over a copy of `bytes` in an allocation of exactly that size, so that AddressSanitizer catches any
/// read past the end (a slice of the fuzzer's buffer would hide reads past a read's end).
func withExactCopy<Result>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
    defer { copy.deallocate() }
    copy.copyMemory(from: bytes)
    return body(UnsafeRawBufferPointer(copy))
}

func expect(_ condition: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(what())") }
}

/// The scan of the whole of `bytes`, checked equal to the scan of a buffer that grows read by read with one
/// `HeadScanResume`, stopping at the first answer other than `.incomplete`, as the proxy does.
func scannedBothWays<Head: Equatable>(
    _ bytes: UnsafeRawBufferPointer, reads: ReadPlan,
    scan: (UnsafeRawBufferPointer, inout HeadScanResume) -> HeadScan<Head>
) -> HeadScan<Head> {
    let whole = withExactCopy(bytes) { copy in
        var resume = HeadScanResume()
        return scan(copy, &resume)
    }
    var resume = HeadScanResume()
    var grown = HeadScan<Head>.incomplete
    for end in reads.readEnds(count: bytes.count) {
        grown = withExactCopy(UnsafeRawBufferPointer(rebasing: bytes[..<end])) { scan($0, &resume) }
        if case .incomplete = grown { continue }
        break
    }
    expect(grown == whole, "scanned whole: \(whole), read by read: \(grown)")
    return whole
}

func endsWithEmptyLine(_ bytes: UnsafeRawBufferPointer, at end: Int) -> Bool {
    end >= 4 && bytes[end - 4] == 0x0D && bytes[end - 3] == 0x0A && bytes[end - 2] == 0x0D && bytes[end - 1] == 0x0A
}

func check(_ head: RequestHead, in bytes: UnsafeRawBufferPointer) {
    expect(head.headLength <= bytes.count && endsWithEmptyLine(bytes, at: head.headLength), "request head end")
    expect(!head.method.isEmpty && head.method.upperBound < head.target.lowerBound, "method before target")
    expect(!head.target.isEmpty && head.target.upperBound < head.headLength, "target inside the head")
    expect(head.method.allSatisfy { HTTP1Bytes.isToken(bytes[$0]) }, "method is a token")
    expect(head.minorVersion == 0 || head.minorVersion == 1, "HTTP/1.0 or 1.1")
    expect(head.minorVersion == 0 || head.host != nil, "an HTTP/1.1 request has a host")
    check(head.headers, in: bytes, headLength: head.headLength, firstLineEnd: head.target.upperBound)
    if let host = head.host { expect(host.lowerBound >= 0 && host.upperBound <= head.headLength, "host inside the head") }
    for token in head.connectionTokens {
        expect(token.lowerBound >= 0 && token.upperBound <= head.headLength, "Connection token inside the head")
    }
    if case .contentLength(let length) = head.framing { expect(length >= 0, "Content-Length \(length) ≥ 0") }
    if head.framing == .chunked { expect(head.minorVersion == 1, "chunked only in HTTP/1.1") }

    let split = RequestTarget.split(bytes, target: head.target)
    for part in [split.pathBytes, split.query, split.absoluteHost].compactMap({ $0 }) {
        expect(part.lowerBound >= head.target.lowerBound && part.upperBound <= head.target.upperBound, "target part")
    }
}

/// Header lines follow each other from the first line's end to the empty line that ends the head.
func check(_ headers: [HeaderLine], in bytes: UnsafeRawBufferPointer, headLength: Int, firstLineEnd: Int) {
    var expectedStart: Int? = nil
    for line in headers {
        if let expectedStart { expect(line.lineStart == expectedStart, "header lines are contiguous") }
        expect(line.lineStart > firstLineEnd, "headers after the first line")
        expect(line.lineStart < line.nameEnd && line.nameEnd < line.valueStart, "name, colon, value")
        expect(line.valueStart <= line.valueEnd && line.valueEnd <= line.lineEnd - 2, "value inside its line")
        expect(bytes[line.nameEnd] == 0x3A && bytes[line.lineEnd - 2] == 0x0D && bytes[line.lineEnd - 1] == 0x0A, "line shape")
        expectedStart = line.lineEnd
    }
    if let last = headers.last { expect(last.lineEnd + 2 == headLength, "the empty line follows the last header") }
}

/// How many of `body`'s bytes the chunked body takes, or nil when it is incomplete or invalid; checked equal
/// whether the scanner sees the bytes at once or read by read.
func chunkedBodyLength(_ body: UnsafeRawBufferPointer, reads: ReadPlan) -> Int? {
    let whole = withExactCopy(body) { copy in
        var scanner = ChunkedBodyScanner()
        return scanner.consume(copy)
    }
    var scanner = ChunkedBodyScanner()
    var grown = ChunkedProgress.needMore
    var start = 0
    for end in reads.readEnds(count: body.count) {
        let progress = withExactCopy(UnsafeRawBufferPointer(rebasing: body[start..<end])) { scanner.consume($0) }
        switch progress {
        case .needMore:
            start = end
            continue
        case .finished(let taken):
            expect(taken <= end - start, "a read's body bytes are part of it")
            grown = .finished(bytesBelongingToBody: start + taken)
        case .invalid:
            grown = progress
        }
        break
    }
    expect(grown == whole, "chunked body at once: \(whole), read by read: \(grown)")
    guard case .finished(let length) = whole else { return nil }
    expect(length >= 5 && length <= body.count, "a chunked body ends inside the input")
    return length
}
