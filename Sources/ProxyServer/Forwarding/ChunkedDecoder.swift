/// Decodes a chunked body into its data bytes, for HTTP/1.0 clients that cannot read chunked framing.
/// Framing errors were already rejected by `ChunkedBodyScanner`, which sees the same bytes first.
struct ChunkedDecoder {
    private enum State { case size, extensionToLineEnd, sizeLF, data, dataCR, dataLF, trailerLineStart, trailerLine, finalLF, done }
    private var state = State.size
    private var remaining = 0

    /// Calls `emit` with each run of data bytes (offsets into `bytes`).
    mutating func decode(_ bytes: UnsafeRawBufferPointer, emit: (Range<Int>) -> Void) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch state {
            case .size:
                if let digit = hexValue(byte) {
                    remaining = remaining &* 16 &+ digit
                } else if byte == UInt8(ascii: "\r") {
                    state = .sizeLF
                } else {
                    state = .extensionToLineEnd
                }
                index += 1
            case .extensionToLineEnd:
                if byte == UInt8(ascii: "\r") { state = .sizeLF }
                index += 1
            case .sizeLF:
                index += 1
                state = remaining == 0 ? .trailerLineStart : .data
            case .data:
                let take = min(remaining, bytes.count - index)
                emit(index..<(index + take))
                remaining -= take
                index += take
                if remaining == 0 { state = .dataCR }
            case .dataCR:
                state = .dataLF
                index += 1
            case .dataLF:
                state = .size
                index += 1
            case .trailerLineStart:
                state = byte == UInt8(ascii: "\r") ? .finalLF : .trailerLine
                index += 1
            case .trailerLine:
                if byte == UInt8(ascii: "\n") { state = .trailerLineStart }
                index += 1
            case .finalLF:
                state = .done
                index += 1
            case .done:
                return
            }
        }
    }
}

@inline(__always)
private func hexValue(_ byte: UInt8) -> Int? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
}
