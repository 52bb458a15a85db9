import Testing

@testable import ProxyServer

/// Mutation fuzzing of the scanners with a fixed seed (reproducible): whatever the bytes, a scan
/// must not trap, a resumed scan must agree with a full one on every prefix, and an accepted head
/// must satisfy the invariants the forwarding code relies on.
@Suite("HTTP/1 scanners under mutated input")
struct HTTP1FuzzTests {
    static let seeds = [
        "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive, X-A\r\nX-A: 1\r\n\r\n",
        "POST http://h:1/p HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\nExpect: 100-continue\r\n\r\nhello",
        "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\nUpgrade: x\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ]

    /// Bytes that matter to the grammar, to make mutations hit the interesting paths.
    static let interestingBytes: [UInt8] = [0x0D, 0x0A, 0x20, 0x09, 0x3A, 0x2C, 0x3B, 0x00, 0x7F, 0x80, 0x30, 0x61]

    static func mutate(_ seed: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            let byte = interestingBytes.randomElement(using: &generator) ?? 0
            switch Int.random(in: 0...2, using: &generator) {
            case 0: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            default: if bytes.count > 1 { bytes.remove(at: position) }
            }
        }
        return bytes
    }

    @Test func resumedScansAgreeWithFullScansOnEveryPrefix() {
        var generator = SeededGenerator(state: 0x5EED)
        let limits = HTTPHeadLimits(maxRequestLine: 40, maxHeaderBytes: 80, maxHeaderCount: 3)
        for round in 0..<600 {
            let seed = Array(Self.seeds[round % Self.seeds.count].utf8)
            let bytes = Self.mutate(seed, using: &generator)
            var resume = HeadScanResume()
            for length in 0...bytes.count {
                let (full, resumed) = bytes[0..<length].withUnsafeBytes { prefix in
                    (
                        HTTP1Scanner.scanRequest(prefix, limits: limits),
                        HTTP1Scanner.scanRequest(prefix, limits: limits, resume: &resume)
                    )
                }
                #expect(full == resumed, "input \(bytes), prefix \(length)")
                if case .complete(let head) = full {
                    checkInvariants(head, bytes: bytes)
                    break
                }
                if case .invalid = full { break }
            }
        }
    }

    func checkInvariants(_ head: RequestHead, bytes: [UInt8]) {
        #expect(head.headLength <= bytes.count)
        #expect(Array(bytes[(head.headLength - 4)..<head.headLength]) == [0x0D, 0x0A, 0x0D, 0x0A], "\(bytes)")
        var expectedLineStart = head.target.upperBound + 11  // " HTTP/1.x\r\n"
        for line in head.headers {
            #expect(line.lineStart == expectedLineStart, "\(bytes)")
            #expect(line.lineStart < line.nameEnd && line.nameEnd < line.valueStart && line.valueStart <= line.valueEnd)
            #expect(line.valueEnd <= line.lineEnd - 2)
            #expect(bytes[line.nameEnd] == 0x3A)
            #expect(bytes[line.lineStart..<line.nameEnd].allSatisfy(HTTP1Bytes.isToken))
            #expect(!bytes[line.valueStart..<line.valueEnd].contains { HTTP1Bytes.isForbiddenControl($0) })
            expectedLineStart = line.lineEnd
        }
        #expect(expectedLineStart + 2 == head.headLength)
    }

    @Test func chunkedScannerGivesTheSameAnswerForEverySplit() {
        var generator = SeededGenerator(state: 0xC4A2)
        let seeds = ["4;x=y\r\nabcd\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\nNEXT", "1\r\nz\r\n0\r\n\r\n"]
        for round in 0..<600 {
            let bytes = Self.mutate(Array(seeds[round % seeds.count].utf8), using: &generator)
            let whole = Self.outcome(bytes, pieceLength: bytes.count)
            let pieceLength = Int.random(in: 1...7, using: &generator)
            #expect(Self.outcome(bytes, pieceLength: pieceLength) == whole, "\(bytes) in pieces of \(pieceLength)")
        }
    }

    enum ChunkedOutcome: Equatable {
        case needMore
        case finished(bodyLength: Int)
        case invalid(String)
    }

    static func outcome(_ bytes: [UInt8], pieceLength: Int) -> ChunkedOutcome {
        var scanner = ChunkedBodyScanner()
        var start = 0
        while start < bytes.count {
            let end = min(start + pieceLength, bytes.count)
            switch bytes[start..<end].withUnsafeBytes({ scanner.consume($0) }) {
            case .needMore: start = end
            case .finished(let inPiece): return .finished(bodyLength: start + inPiece)
            case .invalid(let reason): return .invalid(reason)
            }
        }
        return .needMore
    }
}
