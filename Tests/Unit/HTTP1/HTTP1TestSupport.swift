@testable import ProxyServer

/// Runs the wire scanners on text and reads ranges back as text, so tests can state raw bytes.
enum WireTestSupport {
    static func scanRequest(_ text: String, limits: HTTPHeadLimits = HTTPHeadLimits()) -> HeadScan<RequestHead> {
        Array(text.utf8).withUnsafeBytes { HTTP1Scanner.scanRequest($0, limits: limits) }
    }

    static func scanResponse(
        _ text: String, requestWasHEAD: Bool = false, limits: HTTPHeadLimits = HTTPHeadLimits()
    ) -> HeadScan<ResponseHead> {
        Array(text.utf8).withUnsafeBytes {
            HTTP1Scanner.scanResponse($0, requestWasHEAD: requestWasHEAD, limits: limits)
        }
    }

    static func requestHead(_ text: String, limits: HTTPHeadLimits = HTTPHeadLimits()) -> RequestHead? {
        guard case .complete(let head) = scanRequest(text, limits: limits) else { return nil }
        return head
    }

    static func responseHead(_ text: String, requestWasHEAD: Bool = false) -> ResponseHead? {
        guard case .complete(let head) = scanResponse(text, requestWasHEAD: requestWasHEAD) else { return nil }
        return head
    }

    static func requestError(_ text: String, limits: HTTPHeadLimits = HTTPHeadLimits()) -> HeadError? {
        guard case .invalid(let error) = scanRequest(text, limits: limits) else { return nil }
        return error
    }

    static func responseError(_ text: String, requestWasHEAD: Bool = false) -> HeadError? {
        guard case .invalid(let error) = scanResponse(text, requestWasHEAD: requestWasHEAD) else { return nil }
        return error
    }

    /// The bytes of `range` in `text`, as text.
    static func slice(_ text: String, _ range: Range<Int>?) -> String? {
        guard let range else { return nil }
        return String(decoding: Array(text.utf8)[range], as: UTF8.self)
    }

    /// Feeds a growing buffer one byte at a time, like a client dripping its request, reusing the
    /// resume state; returns the first result that is not `.incomplete` and the length it came at.
    static func dripRequest(_ text: String, limits: HTTPHeadLimits = HTTPHeadLimits()) -> (HeadScan<RequestHead>, Int) {
        let bytes = Array(text.utf8)
        var resume = HeadScanResume()
        for length in 1...bytes.count {
            let result = bytes[0..<length].withUnsafeBytes {
                HTTP1Scanner.scanRequest($0, limits: limits, resume: &resume)
            }
            if case .incomplete = result { continue }
            return (result, length)
        }
        return (.incomplete, bytes.count)
    }

    /// Feeds `body` to a fresh chunked scanner in pieces of `pieceLength`; returns every result.
    static func chunkedProgress(_ body: String, pieceLength: Int) -> [ChunkedProgress] {
        let bytes = Array(body.utf8)
        var scanner = ChunkedBodyScanner()
        var results: [ChunkedProgress] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + pieceLength, bytes.count)
            results.append(bytes[start..<end].withUnsafeBytes { scanner.consume($0) })
            start = end
        }
        return results
    }
}
