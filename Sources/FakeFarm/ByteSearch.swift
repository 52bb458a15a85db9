/// Byte-level searches shared by the fake farm's raw clients and servers.
public enum ByteSearch {
    static let headTerminator: [UInt8] = Array("\r\n\r\n".utf8)

    /// The index of the first `marker` in `bytes` at or after `start`.
    public static func firstIndex(of marker: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard bytes.count - start >= marker.count, let first = marker.first else { return nil }
        var index = start
        while index <= bytes.count - marker.count {
            if bytes[index] == first && bytes[index..<(index + marker.count)].elementsEqual(marker) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The index just past the blank line that ends an HTTP/1 head, if it has arrived.
    public static func endOfHead(in bytes: [UInt8]) -> Int? {
        firstIndex(of: headTerminator, in: bytes).map { $0 + headTerminator.count }
    }
}
