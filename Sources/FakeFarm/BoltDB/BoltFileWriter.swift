import Foundation

/// The contents of one bolt bucket: keys with their raw stored values, and nested buckets.
public struct BoltBucketContents: Sendable, Equatable {
    public var values: [String: [UInt8]]
    public var buckets: [String: BoltBucketContents]

    public init(values: [String: [UInt8]] = [:], buckets: [String: BoltBucketContents] = [:]) {
        precondition(Set(values.keys).isDisjoint(with: buckets.keys), "a bolt key is either a value or a bucket")
        self.values = values
        self.buckets = buckets
    }

    /// The way libkv stores values: an 8-byte little-endian index, then the UTF-8 payload.
    public static func libkv(_ pairs: [String: String], index: UInt64 = 1) -> BoltBucketContents {
        BoltBucketContents(values: pairs.mapValues { libkvValue($0, index: index) })
    }

    public static func libkvValue(_ payload: String, index: UInt64 = 1) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: index >> (8 * $0)) } + Array(payload.utf8)
    }
}

/// How the writer laid the file out, so tests can check they exercise what they claim (branches, overflow, inline).
public struct BoltFileStatistics: Sendable, Equatable {
    public var branchPages = 0
    public var leafPages = 0
    /// Extra pages taken by elements larger than one page.
    public var overflowPages = 0
    public var inlineBuckets = 0
}

/// A complete bolt file in memory.
public struct BoltFileImage: Sendable {
    public var bytes: [UInt8]
    public var pageSize: Int
    /// The meta page (0 or 1) holding the newer txid, and the one holding the previous commit.
    public var newerMetaPage: Int
    public var olderMetaPage: Int
    public var statistics: BoltFileStatistics

    /// Byte offset of the meta fields (after the page header) in meta page `page`.
    public func metaOffset(ofPage page: Int) -> Int {
        page * pageSize + 16
    }

    /// `atomically` writes a temporary file and renames it (a new inode); otherwise the file is rewritten in place.
    public func write(to path: String, atomically: Bool = false) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: atomically ? .atomic : [])
    }
}

/// Writes valid bolt database files (format version 2, as boltdb/bolt and go.etcd.io/bbolt read them) for tests.
///
/// Layout: meta pages 0 and 1 (with FNV-1a checksums; the newer txid sits on page `txid % 2` as bolt does), an
/// empty freelist on page 2, then the older tree's pages and the newer tree's pages. Buckets without sub-buckets
/// whose leaf fits in a quarter page are stored inline in their parent's value, like bolt does; larger buckets get
/// full leaf pages (with overflow pages for elements bigger than a page) under as many branch levels as needed.
public struct BoltFileWriter: Sendable {
    public var pageSize: Int

    public init(pageSize: Int = 4096) {
        precondition(pageSize >= 512 && pageSize & (pageSize - 1) == 0, "bolt page sizes are powers of two ≥ 512")
        self.pageSize = pageSize
    }

    /// A file whose newer meta (`txid`) holds `current` and whose older meta (`txid - 1`) holds `previous` (an
    /// empty database when nil). Keys are the top-level bucket names.
    public func image(
        current: [String: BoltBucketContents],
        previous: [String: BoltBucketContents]? = nil,
        txid: UInt64 = 2
    ) -> BoltFileImage {
        precondition(txid >= 1, "the older meta takes txid - 1")
        var file = BoltPageFile(pageSize: pageSize)
        let metaPages = file.allocate(pageCount: 2)
        let freelistPage = file.allocate(pageCount: 1)
        file.store(BoltPageFile.pageBytes(id: freelistPage, flags: BoltPageFlags.freelist, count: 0, overflow: 0, body: []), at: freelistPage)
        let previousRoot = file.writeTree(file.rootItems(previous ?? [:]))
        let currentRoot = file.writeTree(file.rootItems(current))
        let newerMetaPage = Int(txid % 2)
        let olderMetaPage = 1 - newerMetaPage
        let highWater = file.nextPage
        for (page, root, metaTxid) in [(newerMetaPage, currentRoot, txid), (olderMetaPage, previousRoot, txid - 1)] {
            let meta = metaBytes(root: root, freelist: freelistPage, highWater: highWater, txid: metaTxid)
            let id = metaPages + UInt64(page)
            file.store(BoltPageFile.pageBytes(id: id, flags: BoltPageFlags.meta, count: 0, overflow: 0, body: meta), at: id)
        }
        return BoltFileImage(
            bytes: file.bytes, pageSize: pageSize,
            newerMetaPage: newerMetaPage, olderMetaPage: olderMetaPage, statistics: file.statistics
        )
    }

    private func metaBytes(root: UInt64, freelist: UInt64, highWater: UInt64, txid: UInt64) -> [UInt8] {
        var fields = BoltBytes()
        fields.append(UInt32(0xED0C_DAED))
        fields.append(UInt32(2))
        fields.append(UInt32(pageSize))
        fields.append(UInt32(0))
        fields.append(root)
        fields.append(UInt64(0))
        fields.append(freelist)
        fields.append(highWater)
        fields.append(txid)
        var checksum = FNV1a64()
        checksum.update(fields.bytes)
        fields.append(checksum.value)
        return fields.bytes
    }
}

private enum BoltPageFlags {
    static let branch: UInt16 = 0x01
    static let leaf: UInt16 = 0x02
    static let meta: UInt16 = 0x04
    static let freelist: UInt16 = 0x10
}

private struct BoltBytes {
    var bytes: [UInt8] = []

    mutating func append(_ value: some FixedWidthInteger) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// One element of a leaf page: a key with its value, or (flag 0x01) a nested bucket's header + inline page.
private struct BoltLeafItem {
    var key: [UInt8]
    var value: [UInt8]
    var flags: UInt32
}

/// The file being built: pages are appended as they are allocated.
private struct BoltPageFile {
    static let headerSize = 16
    static let elementSize = 16
    static let bucketLeafFlag: UInt32 = 0x01

    let pageSize: Int
    var bytes: [UInt8] = []
    var nextPage: UInt64 = 0
    var statistics = BoltFileStatistics()

    init(pageSize: Int) {
        self.pageSize = pageSize
    }

    mutating func allocate(pageCount: Int) -> UInt64 {
        let first = nextPage
        nextPage += UInt64(pageCount)
        bytes += [UInt8](repeating: 0, count: pageCount * pageSize)
        return first
    }

    mutating func store(_ page: [UInt8], at id: UInt64) {
        let start = Int(id) * pageSize
        bytes.replaceSubrange(start..<(start + page.count), with: page)
    }

    static func pageBytes(id: UInt64, flags: UInt16, count: Int, overflow: Int, body: [UInt8]) -> [UInt8] {
        var header = BoltBytes()
        header.append(id)
        header.append(flags)
        header.append(UInt16(count))
        header.append(UInt32(overflow))
        return header.bytes + body
    }

    /// Elements then their data; each element's `pos` counts from its own first byte.
    static func leafBody(_ items: [BoltLeafItem]) -> [UInt8] {
        var elements = BoltBytes()
        var data: [UInt8] = []
        for (index, item) in items.enumerated() {
            let position = (items.count - index) * elementSize + data.count
            elements.append(item.flags)
            elements.append(UInt32(position))
            elements.append(UInt32(item.key.count))
            elements.append(UInt32(item.value.count))
            data += item.key + item.value
        }
        return elements.bytes + data
    }

    static func branchBody(_ children: [(firstKey: [UInt8], page: UInt64)]) -> [UInt8] {
        var elements = BoltBytes()
        var data: [UInt8] = []
        for (index, child) in children.enumerated() {
            elements.append(UInt32((children.count - index) * elementSize + data.count))
            elements.append(UInt32(child.firstKey.count))
            elements.append(child.page)
            data += child.firstKey
        }
        return elements.bytes + data
    }

    /// Leaf items for named buckets, in key order (the root bucket holds nothing else).
    mutating func rootItems(_ buckets: [String: BoltBucketContents]) -> [BoltLeafItem] {
        buckets.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }.map {
            BoltLeafItem(key: Array($0.key.utf8), value: bucketValue($0.value), flags: Self.bucketLeafFlag)
        }
    }

    /// A bucket's value in its parent: the 16-byte header (root page, sequence), followed by the whole leaf page
    /// when the bucket is inline (root page 0).
    private mutating func bucketValue(_ contents: BoltBucketContents) -> [UInt8] {
        let items = rootItems(contents.buckets) + contents.values.map {
            BoltLeafItem(key: Array($0.key.utf8), value: $0.value, flags: 0)
        }
        let sorted = items.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        let inlineSize = Self.headerSize + sorted.reduce(0) { $0 + Self.elementSize + $1.key.count + $1.value.count }
        var header = BoltBytes()
        if contents.buckets.isEmpty && inlineSize <= pageSize / 4 {
            statistics.inlineBuckets += 1
            header.append(UInt64(0))
            header.append(UInt64(0))
            return header.bytes + Self.pageBytes(id: 0, flags: BoltPageFlags.leaf, count: sorted.count, overflow: 0, body: Self.leafBody(sorted))
        }
        header.append(writeTree(sorted))
        header.append(UInt64(0))
        return header.bytes
    }

    /// Writes sorted items as full leaf pages, then branch levels until one page remains; returns the root page.
    mutating func writeTree(_ items: [BoltLeafItem]) -> UInt64 {
        var level: [(firstKey: [UInt8], page: UInt64)] = []
        for group in groups(of: items, size: { Self.elementSize + $0.key.count + $0.value.count }) {
            let page = writePage(flags: BoltPageFlags.leaf, count: group.count, body: Self.leafBody(group))
            statistics.leafPages += 1
            level.append((group.first?.key ?? [], page))
        }
        while level.count > 1 {
            var parents: [(firstKey: [UInt8], page: UInt64)] = []
            for group in groups(of: level, size: { Self.elementSize + $0.firstKey.count }) {
                let page = writePage(flags: BoltPageFlags.branch, count: group.count, body: Self.branchBody(group))
                statistics.branchPages += 1
                parents.append((group[0].firstKey, page))
            }
            level = parents
        }
        return level[0].page
    }

    private mutating func writePage(flags: UInt16, count: Int, body: [UInt8]) -> UInt64 {
        let pageCount = (Self.headerSize + body.count + pageSize - 1) / pageSize
        let id = allocate(pageCount: pageCount)
        statistics.overflowPages += pageCount - 1
        store(Self.pageBytes(id: id, flags: flags, count: count, overflow: pageCount - 1, body: body), at: id)
        return id
    }

    /// Consecutive runs that fill a page each (a single element larger than a page gets a run of its own, written
    /// with overflow pages). An empty input gives one empty run: an empty bucket still has a leaf page.
    private func groups<Element>(of elements: [Element], size: (Element) -> Int) -> [[Element]] {
        var groups: [[Element]] = [[]]
        var used = Self.headerSize
        for element in elements {
            let needed = size(element)
            if let last = groups.last, !last.isEmpty, used + needed > pageSize {
                groups.append([])
                used = Self.headerSize
            }
            groups[groups.count - 1].append(element)
            used += needed
        }
        return groups
    }
}
