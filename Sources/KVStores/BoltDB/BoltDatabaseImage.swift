/// Why the bytes of a bolt file cannot be read. `page` is nil for file-level problems (empty file, no valid meta).
struct BoltFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    var page: UInt64?
    var reason: String

    var description: String {
        guard let page else { return reason }
        return "page \(page): \(reason)"
    }
}

/// The on-disk layout of a bolt database file, format version 2 (boltdb/bolt, which libkv uses, and go.etcd.io/bbolt).
///
/// The file is a sequence of fixed-size pages, each starting with a 16-byte header (id u64, flags u16, count u16,
/// overflow u32; a page with `overflow` n spans n + 1 pages). Pages 0 and 1 are meta pages; bucket contents are
/// B+trees of branch and leaf pages. Every integer is little-endian.
enum BoltLayout {
    static let magic: UInt32 = 0xED0C_DAED
    static let version: UInt32 = 2
    static let pageHeaderSize = 16
    /// magic, version, page size, flags, root bucket (root page, sequence), freelist page, high-water page, txid.
    static let metaChecksummedSize = 56
    static let metaSize = 64
    /// Branch elements (pos u32, ksize u32, child page u64) and leaf elements (flags, pos, ksize, vsize: u32 each).
    /// `pos` counts from the element's own first byte.
    static let elementSize = 16
    /// A bucket's value: its root page (0 = inline, the bucket's leaf page follows in the value) and its sequence.
    static let bucketHeaderSize = 16
    static let branchPageFlag: UInt16 = 0x01
    static let leafPageFlag: UInt16 = 0x02
    static let bucketLeafFlag: UInt32 = 0x01
    /// Writers use the OS page size; anything else in a meta page is treated as corruption.
    static let plausiblePageSizes = (9...16).map { 1 << $0 }
}

struct BoltMeta: Sendable, Equatable {
    var pageSize: Int
    var rootBucketPage: UInt64
    var highWaterPage: UInt64
    var txid: UInt64
}

/// One key of a bucket with its value; nested buckets are reported with `isBucket` so callers can skip them.
struct BoltKeyValue: Sendable, Equatable {
    var key: [UInt8]
    var value: [UInt8]
    var isBucket: Bool
}

/// A whole bolt file held in memory, checked as it is walked: every offset is validated against the bytes, so a
/// corrupt or truncated file gives a `BoltFormatError` naming the page, never a crash.
struct BoltDatabaseImage: Sendable {
    let bytes: [UInt8]
    let meta: BoltMeta

    init(bytes: [UInt8]) throws(BoltFormatError) {
        self.bytes = bytes
        self.meta = try Self.currentMeta(in: bytes)
    }

    /// The keys of the top-level bucket `name` in key order, or nil when there is no such bucket.
    func keyValues(inBucket name: [UInt8]) throws(BoltFormatError) -> [BoltKeyValue]? {
        let topLevel = try leafElements(ofTreeAt: .page(meta.rootBucketPage))
        guard let bucket = topLevel.first(where: { $0.isBucket && bytes[$0.key].elementsEqual(name) }) else {
            return nil
        }
        let root = try bucketRoot(of: bucket)
        return try leafElements(ofTreeAt: root).map {
            BoltKeyValue(key: Array(bytes[$0.key]), value: Array(bytes[$0.value]), isBucket: $0.isBucket)
        }
    }

    // MARK: - Meta pages

    /// Both meta pages are read; the valid one with the higher txid wins (bolt writes them alternately, so the
    /// other one is the previous commit and is the fallback when the newer one is torn or corrupt).
    private static func currentMeta(in bytes: [UInt8]) throws(BoltFormatError) -> BoltMeta {
        guard !bytes.isEmpty else { throw BoltFormatError(page: nil, reason: "the file is empty (0 bytes)") }
        let first = meta(in: bytes, atPage: 0, pageSize: 0)
        let second: Result<BoltMeta, BoltFormatError>
        switch first {
        case .success(let meta):
            second = Self.meta(in: bytes, atPage: 1, pageSize: meta.pageSize)
        case .failure:
            // Without meta 0 the page size is unknown: look for meta 1 where each plausible page size puts it, and
            // report the first one found if none is valid.
            let candidates = BoltLayout.plausiblePageSizes
                .filter { hasMagic(bytes, at: $0 + BoltLayout.pageHeaderSize) }
                .map { Self.meta(in: bytes, atPage: 1, pageSize: $0) }
            second = candidates.first(where: { (try? $0.get()) != nil }) ?? candidates.first
                ?? .failure(BoltFormatError(page: 1, reason: "no meta page at any plausible page size"))
        }
        switch (first, second) {
        case (.success(let a), .success(let b)): return b.txid > a.txid ? b : a
        case (.success(let a), .failure): return a
        case (.failure, .success(let b)): return b
        case (.failure(let a), .failure(let b)):
            throw BoltFormatError(page: nil, reason: "not a bolt database, no valid meta page (\(a); \(b))")
        }
    }

    private static func hasMagic(_ bytes: [UInt8], at offset: Int) -> Bool {
        offset + 4 <= bytes.count && bytes.littleEndianUInt32(at: offset) == BoltLayout.magic
    }

    /// The meta of page 0 (`pageSize` is then read from it) or page 1 (at `pageSize`, which the meta must repeat).
    private static func meta(in bytes: [UInt8], atPage page: UInt64, pageSize: Int) -> Result<BoltMeta, BoltFormatError> {
        func failure(_ reason: String) -> Result<BoltMeta, BoltFormatError> {
            .failure(BoltFormatError(page: page, reason: reason))
        }
        let start = Int(page) * pageSize + BoltLayout.pageHeaderSize
        guard start + BoltLayout.metaSize <= bytes.count else {
            return failure("the file (\(bytes.count) bytes) ends inside the meta page")
        }
        let magic = bytes.littleEndianUInt32(at: start)
        guard magic == BoltLayout.magic else { return failure("bad magic 0x\(String(magic, radix: 16))") }
        let version = bytes.littleEndianUInt32(at: start + 4)
        guard version == BoltLayout.version else { return failure("unsupported format version \(version)") }
        let checksum = bytes.littleEndianUInt64(at: start + BoltLayout.metaChecksummedSize)
        // boltdb/bolt (libkv's version) treats a zero checksum as "not recorded" and accepts it; so do we.
        let computed = fnv1a64(bytes[start..<(start + BoltLayout.metaChecksummedSize)])
        guard checksum == 0 || checksum == computed else { return failure("meta checksum mismatch") }
        let recordedPageSize = Int(bytes.littleEndianUInt32(at: start + 8))
        guard BoltLayout.plausiblePageSizes.contains(recordedPageSize) else {
            return failure("implausible page size \(recordedPageSize)")
        }
        guard page == 0 || recordedPageSize == pageSize else {
            return failure("page size \(recordedPageSize) does not match the meta page's position (\(pageSize))")
        }
        let meta = BoltMeta(
            pageSize: recordedPageSize,
            rootBucketPage: bytes.littleEndianUInt64(at: start + 16),
            highWaterPage: bytes.littleEndianUInt64(at: start + 40),
            txid: bytes.littleEndianUInt64(at: start + 48)
        )
        guard meta.rootBucketPage >= 2, meta.rootBucketPage < meta.highWaterPage else {
            return failure("root page \(meta.rootBucketPage) outside the data pages (high-water \(meta.highWaterPage))")
        }
        return .success(meta)
    }

    // MARK: - B+trees

    /// Where a bucket's tree lives: in its own pages, or inline in the parent's leaf value (`page` names that
    /// parent page in errors).
    private enum TreeRoot {
        case page(UInt64)
        case inline(bytes: Range<Int>, page: UInt64)
    }

    /// A checked page: header fields read, `bytes` is the page's span (with overflow pages) inside the file.
    private struct PageRegion {
        var id: UInt64
        var bytes: Range<Int>
        var flags: UInt16
        var count: Int
    }

    private struct LeafElement {
        var key: Range<Int>
        var value: Range<Int>
        var isBucket: Bool
        var page: UInt64
    }

    private func bucketRoot(of element: LeafElement) throws(BoltFormatError) -> TreeRoot {
        guard element.value.count >= BoltLayout.bucketHeaderSize else {
            throw BoltFormatError(
                page: element.page,
                reason: "bucket value is \(element.value.count) bytes, shorter than its \(BoltLayout.bucketHeaderSize)-byte header"
            )
        }
        let rootPage = bytes.littleEndianUInt64(at: element.value.lowerBound)
        guard rootPage == 0 else { return .page(rootPage) }
        return .inline(bytes: (element.value.lowerBound + BoltLayout.bucketHeaderSize)..<element.value.upperBound, page: element.page)
    }

    /// Every leaf element of the tree in key order. Each page is visited at most once, so a corrupt file whose
    /// branches point back up the tree ends with an error instead of looping.
    private func leafElements(ofTreeAt root: TreeRoot) throws(BoltFormatError) -> [LeafElement] {
        switch root {
        case .inline(let range, let page):
            let region = try inlinePage(range, inPage: page)
            return try leafElements(of: region)
        case .page(let rootPage):
            var elements: [LeafElement] = []
            var visited: Set<UInt64> = []
            var pending: [UInt64] = [rootPage]
            while let pageID = pending.popLast() {
                guard visited.insert(pageID).inserted else {
                    throw BoltFormatError(page: pageID, reason: "page is referenced twice in one bucket's tree")
                }
                let region = try filePage(pageID)
                if region.flags == BoltLayout.branchPageFlag {
                    // Pushed in reverse so the leftmost child is popped first and keys stay in order.
                    pending.append(contentsOf: try branchChildren(of: region).reversed())
                } else if region.flags == BoltLayout.leafPageFlag {
                    elements.append(contentsOf: try leafElements(of: region))
                } else {
                    throw BoltFormatError(page: pageID, reason: "expected a branch or leaf page, found flags 0x\(String(region.flags, radix: 16))")
                }
            }
            return elements
        }
    }

    private func filePage(_ id: UInt64) throws(BoltFormatError) -> PageRegion {
        let pageSize = meta.pageSize
        guard id < meta.highWaterPage else {
            throw BoltFormatError(page: id, reason: "page id is beyond the high-water mark \(meta.highWaterPage)")
        }
        guard id < UInt64(bytes.count / pageSize) else {
            throw BoltFormatError(page: id, reason: "page lies past the end of the file (\(bytes.count) bytes, \(pageSize)-byte pages); truncated?")
        }
        let start = Int(id) * pageSize
        let storedID = bytes.littleEndianUInt64(at: start)
        guard storedID == id else {
            throw BoltFormatError(page: id, reason: "page header claims to be page \(storedID)")
        }
        let overflow = Int(bytes.littleEndianUInt32(at: start + 12))
        let end = start + (overflow + 1) * pageSize
        guard end <= bytes.count else {
            throw BoltFormatError(page: id, reason: "page with \(overflow) overflow pages runs past the end of the file (\(bytes.count) bytes)")
        }
        return try region(id: id, bytes: start..<end)
    }

    private func inlinePage(_ range: Range<Int>, inPage page: UInt64) throws(BoltFormatError) -> PageRegion {
        guard range.count >= BoltLayout.pageHeaderSize else {
            throw BoltFormatError(page: page, reason: "inline bucket page is \(range.count) bytes, shorter than a page header")
        }
        let region = try region(id: page, bytes: range)
        guard region.flags == BoltLayout.leafPageFlag else {
            throw BoltFormatError(page: page, reason: "inline bucket page is not a leaf (flags 0x\(String(region.flags, radix: 16)))")
        }
        return region
    }

    private func region(id: UInt64, bytes range: Range<Int>) throws(BoltFormatError) -> PageRegion {
        let flags = bytes.littleEndianUInt16(at: range.lowerBound + 8)
        let count = Int(bytes.littleEndianUInt16(at: range.lowerBound + 10))
        guard BoltLayout.pageHeaderSize + count * BoltLayout.elementSize <= range.count else {
            throw BoltFormatError(page: id, reason: "\(count) elements do not fit in the page (\(range.count) bytes)")
        }
        return PageRegion(id: id, bytes: range, flags: flags, count: count)
    }

    private func elementOffsets(of region: PageRegion) -> [Int] {
        (0..<region.count).map { region.bytes.lowerBound + BoltLayout.pageHeaderSize + $0 * BoltLayout.elementSize }
    }

    private func checkedRange(
        _ lower: Int, length: Int, in region: PageRegion, element index: Int
    ) throws(BoltFormatError) -> Range<Int> {
        guard lower + length <= region.bytes.upperBound else {
            throw BoltFormatError(
                page: region.id,
                reason: "element \(index) points at bytes \(lower)..<\(lower + length), past the page end \(region.bytes.upperBound)"
            )
        }
        return lower..<(lower + length)
    }

    private func branchChildren(of region: PageRegion) throws(BoltFormatError) -> [UInt64] {
        var children: [UInt64] = []
        for (index, element) in elementOffsets(of: region).enumerated() {
            let position = Int(bytes.littleEndianUInt32(at: element))
            let keySize = Int(bytes.littleEndianUInt32(at: element + 4))
            _ = try checkedRange(element + position, length: keySize, in: region, element: index)
            children.append(bytes.littleEndianUInt64(at: element + 8))
        }
        return children
    }

    private func leafElements(of region: PageRegion) throws(BoltFormatError) -> [LeafElement] {
        var elements: [LeafElement] = []
        for (index, element) in elementOffsets(of: region).enumerated() {
            let flags = bytes.littleEndianUInt32(at: element)
            let position = Int(bytes.littleEndianUInt32(at: element + 4))
            let keySize = Int(bytes.littleEndianUInt32(at: element + 8))
            let valueSize = Int(bytes.littleEndianUInt32(at: element + 12))
            let key = try checkedRange(element + position, length: keySize, in: region, element: index)
            let value = try checkedRange(key.upperBound, length: valueSize, in: region, element: index)
            elements.append(LeafElement(
                key: key, value: value, isBucket: flags & BoltLayout.bucketLeafFlag != 0, page: region.id
            ))
        }
        return elements
    }
}

/// FNV-1a, 64-bit: the meta page checksum.
private func fnv1a64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }
    return hash
}

fileprivate extension [UInt8] {
    /// Callers check `offset + width <= count` first (page and element bounds are validated before reads).
    func littleEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func littleEndianUInt32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * $1) }
    }

    func littleEndianUInt64(at offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(self[offset + $1]) << (8 * $1) }
    }
}
