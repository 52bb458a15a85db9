import LoadGen
import Testing

@Suite struct HTTPResponseParserTests {
    private static let contentLengthResponse = Array(
        "HTTP/1.1 200 OK\r\nServer: unit\r\nContent-Length: 5\r\nX-Other: y\r\n\r\nhello".utf8
    )
    private static let chunkedResponse = Array(
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n".utf8
    )

    /// Feeds `bytes` in two parts split at `split` and returns what completed, with the bytes it consumed overall.
    private func parse(_ bytes: [UInt8], splitAt split: Int, expectsBody: Bool = true) throws -> (ParsedResponse, Int)? {
        var parser = HTTPResponseParser(expectsBody: expectsBody)
        for (offset, part) in [(0, Array(bytes[..<split])), (split, Array(bytes[split...]))] {
            if case .complete(let response, let consumed) = try parser.parse(part) { return (response, offset + consumed) }
        }
        return nil
    }

    @Test func contentLengthBody() throws {
        var parser = HTTPResponseParser()
        let progress = try parser.parse(Self.contentLengthResponse)
        let expected = ParsedResponse(
            status: 200, isHTTP10: false, headerBytes: Self.contentLengthResponse.count - 5, bodyBytes: 5,
            keepAlive: true, server: "unit"
        )
        #expect(progress == .complete(expected, consumed: Self.contentLengthResponse.count))
    }

    @Test func everySplitOfAContentLengthResponseGivesTheSameResult() throws {
        let whole = try #require(try parse(Self.contentLengthResponse, splitAt: Self.contentLengthResponse.count))
        for split in 0...Self.contentLengthResponse.count {
            let result = try #require(try parse(Self.contentLengthResponse, splitAt: split))
            #expect(result == whole, "split at \(split)")
        }
    }

    @Test func chunkedBodyCountsPayloadOnly() throws {
        let (response, consumed) = try #require(try parse(Self.chunkedResponse, splitAt: 0))
        #expect(response.status == 404)
        #expect(response.bodyBytes == 15)
        #expect(response.keepAlive)
        #expect(consumed == Self.chunkedResponse.count)
    }

    @Test func everySplitOfAChunkedResponseGivesTheSameResult() throws {
        let whole = try #require(try parse(Self.chunkedResponse, splitAt: 0))
        for split in 0...Self.chunkedResponse.count {
            let result = try #require(try parse(Self.chunkedResponse, splitAt: split))
            #expect(result == whole, "split at \(split)")
        }
    }

    @Test func byteAtATimeChunkedCompletesOnTheLastByteOnly() throws {
        var parser = HTTPResponseParser()
        for (index, byte) in Self.chunkedResponse.enumerated() {
            let progress = try parser.parse([byte])
            if index == Self.chunkedResponse.count - 1 {
                guard case .complete(let response, consumed: 1) = progress else {
                    Issue.record("not complete at the last byte: \(progress)")
                    return
                }
                #expect(response.bodyBytes == 15)
            } else {
                #expect(progress == .needMoreBytes, "byte \(index)")
            }
        }
    }

    @Test func bodyUntilCloseEndsWithTheConnection() throws {
        var parser = HTTPResponseParser()
        #expect(try parser.parse(Array("HTTP/1.1 200 OK\r\nServer: s\r\n\r\nsome".utf8)) == .needMoreBytes)
        #expect(try parser.parse(Array(" more".utf8)) == .needMoreBytes)
        guard case .complete(let response) = parser.endOfInput() else {
            Issue.record("end of input did not complete the body")
            return
        }
        #expect(response.bodyBytes == 9)
        #expect(!response.keepAlive)
    }

    @Test func aNonChunkedTransferEncodingMeansUntilClose() throws {
        var parser = HTTPResponseParser()
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabcdef"
        #expect(try parser.parse(Array(head.utf8)) == .needMoreBytes)
        guard case .complete(let response) = parser.endOfInput() else {
            Issue.record("end of input did not complete the body")
            return
        }
        #expect(response.bodyBytes == 6)
    }

    @Test(arguments: [
        ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
        ("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", true),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
        ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false),
        ("HTTP/1.1 200 OK\r\nconnection: TE, Close\r\nContent-Length: 0\r\n\r\n", false),
    ])
    func keepAliveFollowsVersionAndConnectionHeader(text: String, keepAlive: Bool) throws {
        var parser = HTTPResponseParser()
        guard case .complete(let response, _) = try parser.parse(Array(text.utf8)) else {
            Issue.record("incomplete")
            return
        }
        #expect(response.keepAlive == keepAlive)
        #expect(response.isHTTP10 == text.hasPrefix("HTTP/1.0"))
    }

    @Test func http10ResponseWithoutLengthReadsUntilClose() throws {
        var parser = HTTPResponseParser()
        #expect(try parser.parse(Array("HTTP/1.0 200 OK\r\n\r\nbody".utf8)) == .needMoreBytes)
        guard case .complete(let response) = parser.endOfInput() else {
            Issue.record("end of input did not complete the body")
            return
        }
        #expect(response.isHTTP10 && response.bodyBytes == 4 && !response.keepAlive)
    }

    @Test(arguments: ["HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"])
    func statusesWithoutBodies(text: String) throws {
        var parser = HTTPResponseParser()
        guard case .complete(let response, _) = try parser.parse(Array(text.utf8)) else {
            Issue.record("incomplete")
            return
        }
        #expect(response.bodyBytes == 0)
    }

    @Test func headResponsesHaveNoBodyWhateverTheirLength() throws {
        var parser = HTTPResponseParser(expectsBody: false)
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"
        #expect(try parser.parse(Array(text.utf8)) == .complete(
            ParsedResponse(status: 200, isHTTP10: false, headerBytes: text.utf8.count, bodyBytes: 0, keepAlive: true),
            consumed: text.utf8.count
        ))
    }

    @Test func interimResponsesAreSkipped() throws {
        var parser = HTTPResponseParser()
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
        guard case .complete(let response, let consumed) = try parser.parse(Array(text.utf8)) else {
            Issue.record("incomplete")
            return
        }
        #expect(response.status == 201)
        #expect(response.bodyBytes == 2)
        #expect(consumed == text.utf8.count)
    }

    @Test func resetReadsTheNextResponse() throws {
        var parser = HTTPResponseParser()
        _ = try parser.parse(Self.contentLengthResponse)
        parser.reset()
        guard case .complete(let response, _) = try parser.parse(Self.chunkedResponse) else {
            Issue.record("incomplete")
            return
        }
        #expect(response.status == 404)
    }

    @Test func endOfInputTellsNothingFromTruncated() throws {
        var idle = HTTPResponseParser()
        #expect(idle.endOfInput() == .nothingReceived)
        var partial = HTTPResponseParser()
        _ = try partial.parse(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8))
        #expect(partial.endOfInput() == .truncated)
        var headOnly = HTTPResponseParser()
        _ = try headOnly.parse(Array("HTTP/1.1 2".utf8))
        #expect(headOnly.endOfInput() == .truncated)
    }

    @Test(arguments: [
        ("HTTP/2 200 OK\r\n\r\n", ResponseParseError.malformedStatusLine),
        ("ICY 200 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 2x0 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 2000 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 099 Low\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", .malformedHeader),
        ("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", .malformedHeader),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;x\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY\r\n", .missingChunkTerminator),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab", .unexpectedBytes),
    ])
    func badInputIsRejected(text: String, error: ResponseParseError) {
        var parser = HTTPResponseParser()
        #expect(throws: error) {
            let progress = try parser.parse(Array(text.utf8))
            // Bytes beyond a complete response are only noticed when they are fed on their own.
            if case .complete(_, let consumed) = progress, consumed < text.utf8.count {
                _ = try parser.parse(Array(text.utf8.dropFirst(consumed)))
            }
        }
    }

    @Test func overlongLinesAreRejected() {
        var parser = HTTPResponseParser()
        let line = "HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "a", count: 20_000)
        #expect(throws: ResponseParseError.lineTooLong) { try parser.parse(Array(line.utf8)) }
    }
}
