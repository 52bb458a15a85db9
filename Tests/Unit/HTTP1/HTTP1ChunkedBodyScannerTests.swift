import Testing

@testable import ProxyServer

@Suite("Chunked body scanning")
struct HTTP1ChunkedBodyScannerTests {
    typealias Support = WireTestSupport

    static let body = "5\r\nhello\r\n1a;name=value;flag\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n"
    static let nextRequest = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"

    @Test func wholeBodyFollowedByTheNextMessage() {
        let results = Support.chunkedProgress(Self.body + Self.nextRequest, pieceLength: 10_000)
        #expect(results == [.finished(bytesBelongingToBody: Self.body.utf8.count)])
    }

    @Test func bytesArrivingOneAtATime() {
        let results = Support.chunkedProgress(Self.body, pieceLength: 1)
        #expect(results.dropLast().allSatisfy { $0 == .needMore })
        #expect(results.last == .finished(bytesBelongingToBody: 1))
        #expect(results.count == Self.body.utf8.count)
    }

    @Test func everySplitFindsTheSameEnd() {
        let all = Self.body + Self.nextRequest
        for pieceLength in 1...all.utf8.count {
            let results = Support.chunkedProgress(all, pieceLength: pieceLength)
            guard let finishIndex = results.firstIndex(where: { $0 != .needMore }),
                case .finished(let inLastPiece) = results[finishIndex]
            else {
                Issue.record("no end found with pieces of \(pieceLength): \(results)")
                continue
            }
            #expect(finishIndex * pieceLength + inLastPiece == Self.body.utf8.count, "pieces of \(pieceLength)")
        }
    }

    @Test func dataMaySpanReads() {
        var scanner = ChunkedBodyScanner()
        let parts = ["A\r\n01234", "56", "789\r", "\n0\r\n", "\r\nrest"]
        let results = parts.map { part in Array(part.utf8).withUnsafeBytes { scanner.consume($0) } }
        #expect(results == [.needMore, .needMore, .needMore, .needMore, .finished(bytesBelongingToBody: 2)])
        #expect(scanner.isFinished)
        #expect(Array("more".utf8).withUnsafeBytes { scanner.consume($0) } == .finished(bytesBelongingToBody: 0))
    }

    @Test(arguments: [
        "0\r\n\r\n", "000\r\n\r\n", "0;ext\r\n\r\n", "0 ;ext=\"quoted value\"\r\n\r\n",
        "0\r\nX-Checksum: abc\r\nX-Other:\r\n\r\n", "a\r\n0123456789\r\n0\r\n\r\n", "A\r\n0123456789\r\n0\r\n\r\n",
        "000000000000000A\r\n0123456789\r\n0\r\n\r\n",
    ])
    func validBodies(_ body: String) {
        #expect(Support.chunkedProgress(body, pieceLength: 1000) == [.finished(bytesBelongingToBody: body.utf8.count)])
        #expect(Support.chunkedProgress(body, pieceLength: 1).last == .finished(bytesBelongingToBody: 1))
    }

    @Test(arguments: [
        ("-1\r\n", "invalid chunk size"),
        ("+1\r\n", "invalid chunk size"),
        ("0x1\r\n", "invalid chunk size"),
        ("g\r\n", "invalid chunk size"),
        ("\r\n", "invalid chunk size"),
        ("1 2\r\n", "invalid chunk size"),
        ("00000000000000001\r\n", "chunk size has too many digits"),
        ("8000000000000000\r\n", "chunk size overflows"),
        ("FFFFFFFFFFFFFFFF\r\n", "chunk size overflows"),
        ("3\nabc\r\n", "chunk size line does not end with CRLF"),
        ("3;a\nabc\r\n", "chunk size line does not end with CRLF"),
        ("3\rabc\r\n", "chunk size line does not end with CRLF"),
        ("3;a\u{0}\r\nabc\r\n", "invalid chunk extension"),
        ("3\r\nabcd\r\n", "chunk data not followed by CRLF"),
        ("3\r\nabc\n", "chunk data not followed by CRLF"),
        ("3\r\nabc\r\r", "chunk data not followed by CRLF"),
        ("0\r\n folded: x\r\n\r\n", "invalid trailer line"),
        ("0\r\n: x\r\n\r\n", "invalid trailer line"),
        ("0\r\nNoColon\r\n\r\n", "invalid trailer name"),
        ("0\r\nX: a\u{7F}\r\n\r\n", "control character in trailer value"),
        ("0\r\nX: a\n\r\n", "control character in trailer value"),
        ("0\r\nX: a\r\r\n", "trailer line does not end with CRLF"),
        ("0\r\n\rX", "chunked body does not end with CRLF"),
    ])
    func invalidBodies(_ body: String, _ reason: String) {
        #expect(Support.chunkedProgress(body, pieceLength: 1000) == [.invalid(reason)])
        let dripped = Support.chunkedProgress(body, pieceLength: 1)
        #expect(dripped.first { $0 != .needMore } == .invalid(reason))
    }

    @Test func failureIsFinal() {
        var scanner = ChunkedBodyScanner()
        #expect(Array("z".utf8).withUnsafeBytes { scanner.consume($0) } == .invalid("invalid chunk size"))
        #expect(Array("0\r\n\r\n".utf8).withUnsafeBytes { scanner.consume($0) } == .invalid("invalid chunk size"))
        #expect(!scanner.isFinished)
    }

    @Test func chunkLineAndTrailerAreBounded() {
        let longExtension = "1;" + String(repeating: "x", count: ChunkedBodyScanner.maxChunkLineBytes) + "\r\n"
        #expect(Support.chunkedProgress(longExtension, pieceLength: 100).last == .invalid("chunk size line too long"))
        let longTrailer = "0\r\nX: " + String(repeating: "y", count: ChunkedBodyScanner.maxTrailerBytes) + "\r\n\r\n"
        #expect(Support.chunkedProgress(longTrailer, pieceLength: 100).last == .invalid("trailer section too large"))
    }

    @Test func largestChunkSizeIsAccepted() {
        #expect(Support.chunkedProgress("7FFFFFFFFFFFFFFF\r\nabc", pieceLength: 100) == [.needMore])
    }
}
