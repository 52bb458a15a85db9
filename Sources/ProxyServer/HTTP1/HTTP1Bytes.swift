/// Byte-level helpers for the HTTP/1 scanners. They work on offsets into raw bytes and never
/// allocate; only the Swift standard library is available here (no memchr), so searches and
/// control-character checks look at eight bytes per step (SWAR).
enum HTTP1Bytes {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
    static let slash: UInt8 = 0x2F
    static let questionMark: UInt8 = 0x3F
    static let percent: UInt8 = 0x25
    static let asterisk: UInt8 = 0x2A

    private static let everyByte: UInt64 = 0x0101_0101_0101_0101
    private static let everyHighBit: UInt64 = 0x8080_8080_8080_8080
    /// RFC 9110 §5.6.2 tchar, one bit per byte value: bytes 0–63 and 64–127.
    private static let tokenBitsLow: UInt64 = 0x03FF_6CFA_0000_0000
    private static let tokenBitsHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE

    /// Eight bytes starting at `offset`, the first of them in the lowest bits.
    @inline(__always)
    private static func word(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// High bit set in every byte of `word` that is zero. Bits above a zero byte may be false
    /// positives (borrow), so only "any" and the lowest flagged byte are exact.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- everyByte) & ~word & everyHighBit
    }

    /// First offset in `start..<end` that holds `byte`.
    static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        let pattern = everyByte &* UInt64(byte)
        var index = start
        while index &+ 8 <= end {
            let matches = zeroBytes(word(bytes, at: index) ^ pattern)
            if matches != 0 { return index &+ (matches.trailingZeroBitCount >> 3) }
            index &+= 8
        }
        while index < end {
            if bytes[index] == byte { return index }
            index &+= 1
        }
        return nil
    }

    /// A control character that may not appear in a field value: anything below 0x20 except
    /// HTAB, and DEL (RFC 9110 §5.5).
    @inline(__always)
    static func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != tab) || byte == 0x7F
    }

    static func containsForbiddenControl(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count >= 8 else {
            for index in range where isForbiddenControl(bytes[index]) { return true }
            return false
        }
        var index = range.lowerBound
        while true {
            // The last word overlaps the previous one rather than leaving a byte-wise tail.
            let wordStart = min(index, range.upperBound &- 8)
            let value = word(bytes, at: wordStart)
            let below0x20 = (value &- everyByte &* 0x20) & ~value & everyHighBit
            let isDelete = zeroBytes(value ^ (everyByte &* 0x7F))
            // A word with a possible control byte (HTAB included) is checked byte by byte.
            if below0x20 | isDelete != 0 {
                for offset in wordStart..<(wordStart &+ 8) where isForbiddenControl(bytes[offset]) { return true }
            }
            index = wordStart &+ 8
            if index >= range.upperBound { return false }
        }
    }

    /// First offset in `start..<end` holding a space, a control character or DEL: where a
    /// request-target ends, validly only at a space.
    static func firstSpaceOrControl(in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var index = start
        while index &+ 8 <= end {
            let value = word(bytes, at: index)
            // The lowest flagged byte is exact: borrows only propagate to higher bytes.
            let flagged = ((value &- everyByte &* 0x21) & ~value & everyHighBit) | zeroBytes(value ^ (everyByte &* 0x7F))
            if flagged != 0 { return index &+ (flagged.trailingZeroBitCount >> 3) }
            index &+= 8
        }
        while index < end {
            if bytes[index] <= space || bytes[index] == 0x7F { return index }
            index &+= 1
        }
        return nil
    }

    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool { isMember(byte, low: tokenBitsLow, high: tokenBitsHigh) }

    /// Whether `byte` is in the ASCII set given as bits for bytes 0–63 and 64–127; written
    /// without branches because it runs once per header-name byte.
    @inline(__always)
    private static func isMember(_ byte: UInt8, low: UInt64, high: UInt64) -> Bool {
        let bits = byte & 0x40 == 0 ? low : high
        return (bits >> UInt64(byte & 0x3F)) & 1 != 0 && byte < 0x80
    }

    /// Whether every byte of a non-empty `range` is a token character.
    static func isToken(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        for index in range where !isToken(bytes[index]) { return false }
        return true
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Value of a hexadecimal digit (either case).
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- 0x30 < 10 { return byte &- 0x30 }
        let lower = byte | 0x20
        if lower &- 0x61 < 6 { return lower &- 0x61 &+ 10 }
        return nil
    }

    /// Whether `range` spells `lowercaseLiteral` ignoring ASCII case.
    static func equalsIgnoringCase(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercaseLiteral: StaticString
    ) -> Bool {
        guard range.count == lowercaseLiteral.utf8CodeUnitCount else { return false }
        let literal = lowercaseLiteral.utf8Start
        var offset = 0
        while offset < range.count {
            if lowercased(bytes[range.lowerBound &+ offset]) != literal[offset] { return false }
            offset &+= 1
        }
        return true
    }

    /// Whether two ranges of the same buffer hold the same bytes ignoring ASCII case.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ left: Range<Int>, _ right: Range<Int>) -> Bool {
        guard left.count == right.count else { return false }
        var offset = 0
        while offset < left.count {
            if lowercased(bytes[left.lowerBound &+ offset]) != lowercased(bytes[right.lowerBound &+ offset]) {
                return false
            }
            offset &+= 1
        }
        return true
    }

    /// Whether `range` holds exactly the bytes of `literal` (methods are case-sensitive, RFC 9110 §9.1).
    static func equalsExactly(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let expected = literal.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound &+ offset] != expected[offset] { return false }
        return true
    }

    /// `range` without leading and trailing SP/HTAB.
    static func trimmingWhitespace(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, isWhitespace(bytes[start]) { start &+= 1 }
        while end > start, isWhitespace(bytes[end &- 1]) { end &-= 1 }
        return start..<end
    }

    /// Calls `body` with each comma-separated element of `range`, whitespace-trimmed; empty
    /// elements included. Stops early when `body` returns false.
    static func forEachListElement(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ body: (Range<Int>) -> Bool
    ) {
        var elementStart = range.lowerBound
        while true {
            let elementEnd = firstIndex(of: comma, in: bytes, from: elementStart, to: range.upperBound) ?? range.upperBound
            guard body(trimmingWhitespace(bytes, elementStart..<elementEnd)) else { return }
            guard elementEnd < range.upperBound else { return }
            elementStart = elementEnd &+ 1
        }
    }

    /// A byte allowed in a Host value or an absolute-form authority: the characters of
    /// RFC 3986 host and port (reg-name, IP literals in brackets, percent-encoding), as bits for
    /// bytes 0–63 and 64–127. Everything else (whitespace, '/', '@' for userinfo, controls) is
    /// rejected so that routing and redirects never see it.
    private static let hostBitsLow: UInt64 = 0x2FFF_7FF2_0000_0000
    private static let hostBitsHigh: UInt64 = 0x47FF_FFFE_AFFF_FFFE

    @inline(__always)
    static func isHostByte(_ byte: UInt8) -> Bool { isMember(byte, low: hostBitsLow, high: hostBitsHigh) }

    static func isValidHost(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        for index in range where !isHostByte(bytes[index]) { return false }
        return true
    }
}

extension KnownHeader {
    /// Recognises a header name without allocating: dispatch on its length, then compare
    /// ignoring case against the one or two names of that length.
    init(name range: Range<Int>, in bytes: UnsafeRawBufferPointer) {
        func named(_ lowercaseName: StaticString) -> Bool {
            HTTP1Bytes.equalsIgnoringCase(bytes, range, lowercaseName)
        }
        switch range.count {
        case 2: self = named("te") ? .te : .other
        case 4: self = named("host") ? .host : .other
        case 6: self = named("expect") ? .expect : .other
        case 7: self = named("trailer") ? .trailer : named("upgrade") ? .upgrade : .other
        case 10: self = named("connection") ? .connection : named("keep-alive") ? .keepAlive : .other
        case 14: self = named("content-length") ? .contentLength : .other
        case 15: self = named("x-forwarded-for") ? .xForwardedFor : .other
        case 16:
            self = named("proxy-connection") ? .proxyConnection : named("x-forwarded-host") ? .xForwardedHost : .other
        case 17:
            self =
                named("transfer-encoding")
                ? .transferEncoding : named("x-forwarded-proto") ? .xForwardedProto : .other
        case 18:
            self =
                named("proxy-authenticate")
                ? .proxyAuthenticate : named("x-forwarded-server") ? .xForwardedServer : .other
        case 19: self = named("proxy-authorization") ? .proxyAuthorization : .other
        default: self = .other
        }
    }
}
