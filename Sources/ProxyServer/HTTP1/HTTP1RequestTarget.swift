/// Splitting and decoding a request-target for routing. Forwarding always uses the raw target
/// bytes (spec §5.2: the backend gets the client's original request-URI unchanged).
enum RequestTarget {
    /// Offsets of a request-target's parts in the head's bytes.
    struct Parts {
        var pathBytes: Range<Int>
        var query: Range<Int>?
        var absoluteHost: Range<Int>?

        /// The path and query as the client sent them (origin-form), which is what the backend gets.
        var pathAndQuery: Range<Int> { pathBytes.lowerBound..<(query?.upperBound ?? pathBytes.upperBound) }
    }

    /// Splits a target the scanner accepted. `pathBytes` is empty for an absolute-form target
    /// without a path (`http://host` or `http://host?q`), whose path is "/"; `query` excludes
    /// the '?'; `absoluteHost` is the authority (host[:port]) of an absolute-form target. For
    /// asterisk-form the path is "*".
    static func split(
        _ bytes: UnsafeRawBufferPointer, target: Range<Int>
    ) -> Parts {
        var pathStart = target.lowerBound
        var absoluteHost: Range<Int>?
        if let authorityStart = authorityStart(bytes, target: target) {
            var authorityEnd = authorityStart
            while authorityEnd < target.upperBound,
                bytes[authorityEnd] != HTTP1Bytes.slash, bytes[authorityEnd] != HTTP1Bytes.questionMark
            {
                authorityEnd &+= 1
            }
            absoluteHost = authorityStart..<authorityEnd
            pathStart = authorityEnd
        }
        guard
            let questionMark = HTTP1Bytes.firstIndex(
                of: HTTP1Bytes.questionMark, in: bytes, from: pathStart, to: target.upperBound)
        else {
            return Parts(pathBytes: pathStart..<target.upperBound, query: nil, absoluteHost: absoluteHost)
        }
        return Parts(
            pathBytes: pathStart..<questionMark, query: (questionMark &+ 1)..<target.upperBound, absoluteHost: absoluteHost)
    }

    /// Where the authority starts when the target begins with `http://` or `https://` (scheme
    /// case-insensitive, RFC 3986 §3.1).
    private static func authorityStart(_ bytes: UnsafeRawBufferPointer, target: Range<Int>) -> Int? {
        let start = target.lowerBound
        if target.count >= 7 && HTTP1Bytes.equalsIgnoringCase(bytes, start..<(start &+ 7), "http://") {
            return start &+ 7
        }
        if target.count >= 8 && HTTP1Bytes.equalsIgnoringCase(bytes, start..<(start &+ 8), "https://") {
            return start &+ 8
        }
        return nil
    }

    /// The percent-decoded path, for routing only. Every `%XX` is decoded, `%2F` included, so a
    /// rule sees `/a%2Fb` as `/a/b`, as the original Go router did (it matched `URL.Path`);
    /// `+` stays `+`. Decoded bytes that are not UTF-8 become U+FFFD. An empty path (absolute-form
    /// without one) is "/". `nil` when a '%' is not followed by two hex digits.
    static func decodePath(_ bytes: UnsafeRawBufferPointer, path: Range<Int>) -> String? {
        if path.isEmpty { return "/" }
        do {
            return try String(unsafeUninitializedCapacity: path.count) { decoded in
                var written = 0
                var index = path.lowerBound
                while index < path.upperBound {
                    var byte = bytes[index]
                    index &+= 1
                    if byte == HTTP1Bytes.percent {
                        guard index &+ 1 < path.upperBound,
                            let high = HTTP1Bytes.hexValue(bytes[index]),
                            let low = HTTP1Bytes.hexValue(bytes[index &+ 1])
                        else { throw InvalidPercentEncoding() }
                        byte = high << 4 | low
                        index &+= 2
                    }
                    decoded[written] = byte
                    written &+= 1
                }
                return written
            }
        } catch {
            return nil
        }
    }

    private struct InvalidPercentEncoding: Error {}
}
