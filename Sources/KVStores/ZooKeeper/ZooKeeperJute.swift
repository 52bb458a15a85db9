import NIOCore

/// Jute, ZooKeeper's binary record encoding: big-endian integers, `int` length + bytes for strings and buffers
/// (length -1 = null), `int` count + elements for vectors, one byte for booleans.
struct JuteDecodingError: Error, Equatable, CustomStringConvertible {
    var description: String
}

extension ByteBuffer {
    mutating func writeJuteInt(_ value: Int32) {
        writeInteger(value, endianness: .big)
    }

    mutating func writeJuteLong(_ value: Int64) {
        writeInteger(value, endianness: .big)
    }

    mutating func writeJuteBool(_ value: Bool) {
        writeInteger(UInt8(value ? 1 : 0))
    }

    mutating func writeJuteString(_ value: String) {
        let utf8 = Array(value.utf8)
        writeJuteInt(Int32(utf8.count))
        writeBytes(utf8)
    }

    /// `nil` writes the null marker (-1), which ZooKeeper reads back as "no buffer".
    mutating func writeJuteBuffer(_ value: [UInt8]?) {
        guard let value else {
            writeJuteInt(-1)
            return
        }
        writeJuteInt(Int32(value.count))
        writeBytes(value)
    }

    mutating func readJuteInt() throws -> Int32 {
        guard let value = readInteger(endianness: .big, as: Int32.self) else {
            throw JuteDecodingError(description: "truncated int")
        }
        return value
    }

    mutating func readJuteLong() throws -> Int64 {
        guard let value = readInteger(endianness: .big, as: Int64.self) else {
            throw JuteDecodingError(description: "truncated long")
        }
        return value
    }

    mutating func readJuteBool() throws -> Bool {
        guard let value = readInteger(as: UInt8.self) else {
            throw JuteDecodingError(description: "truncated bool")
        }
        return value != 0
    }

    /// A null buffer (length -1) reads as empty: ZooKeeper uses it for "no data".
    mutating func readJuteBuffer() throws -> [UInt8] {
        let length = try readJuteInt()
        if length < 0 { return [] }
        guard let bytes = readBytes(length: Int(length)) else {
            throw JuteDecodingError(description: "truncated buffer of \(length) bytes")
        }
        return bytes
    }

    mutating func readJuteString() throws -> String {
        String(decoding: try readJuteBuffer(), as: UTF8.self)
    }

    mutating func readJuteStringVector() throws -> [String] {
        let count = try readJuteInt()
        if count < 0 { return [] }
        // Each element takes at least its 4-byte length, so a count beyond that is corrupt, not a big allocation.
        guard Int(count) <= readableBytes / 4 else {
            throw JuteDecodingError(description: "vector count \(count) exceeds the frame")
        }
        var strings: [String] = []
        strings.reserveCapacity(Int(count))
        for _ in 0..<count {
            strings.append(try readJuteString())
        }
        return strings
    }
}
