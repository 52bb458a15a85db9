/// Where a reader is in a document's UTF-8 bytes. It keeps the offset and the line; a column
/// (characters, not bytes) is counted only when asked for, from where the last count stopped, which keeps reading
/// large files (and very long lines) fast even in debug builds. Holds no references, so copying it costs nothing.
struct TOMLCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var offset: Int
    private(set) var line = 1
    /// The column at `countedOffset`, on the current line.
    private var countedColumn = 1
    private var countedOffset: Int

    /// A byte order mark at the start is skipped: it is not part of the first line.
    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        offset = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        countedOffset = offset
    }

    func peek(at distance: Int = 0) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }

    /// Moves past `count` bytes within the line; line ends go through `advancePastNewline`.
    mutating func advance(_ count: Int = 1) {
        offset = min(offset + count, bytes.count)
    }

    /// Moves past the bytes `isIncluded` accepts; none of them may end a line.
    mutating func advance(over isIncluded: (UInt8) -> Bool) {
        while offset < bytes.count && isIncluded(bytes[offset]) { offset += 1 }
    }

    /// Past the `\n` or `\r\n` at the offset.
    mutating func advancePastNewline() {
        offset = min(offset + (bytes[offset] == UInt8(ascii: "\r") ? 2 : 1), bytes.count)
        line += 1
        countedOffset = offset
        countedColumn = 1
    }

    /// 1 for the first character of the line; UTF-8 continuation bytes add nothing.
    mutating func column() -> Int {
        for index in countedOffset..<offset where bytes[index] & 0xC0 != 0x80 { countedColumn += 1 }
        countedOffset = offset
        return countedColumn
    }
}
