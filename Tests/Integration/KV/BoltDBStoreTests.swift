import FakeFarm
import Foundation
import KVStores
import Testing

/// `BoltDBStore` over files made by `BoltFileWriter`: round trips, both metas, corrupt files, the polling watch.
@Suite struct BoltDBStoreTests {
    /// A fresh directory per test; the file inside it is not created.
    static func temporaryPath(_ name: String = "traefik.db") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("boltdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    static func store(with image: BoltFileImage, bucket: String = "traefik") throws -> BoltDBStore {
        let path = try temporaryPath()
        try image.write(to: path)
        return BoltDBStore(path: path, bucket: bucket, pollInterval: .milliseconds(50))
    }

    static func libkvFile(_ pairs: [String: String], pageSize: Int = 4096) -> BoltFileImage {
        BoltFileWriter(pageSize: pageSize).image(current: ["traefik": .libkv(pairs)])
    }

    static func expectedEntries(_ pairs: [String: String]) -> [KVEntry] {
        pairs.map { KVEntry(key: $0.key.hasPrefix("/") ? $0.key : "/" + $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    static func littleEndianUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }

    static func storeLittleEndianUInt64(_ value: UInt64, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    static func invalidResponse(from store: BoltDBStore) async throws -> KVStoreError {
        let error = try await #require(throws: KVStoreError.self) { try await store.listTree(prefix: "/traefik") }
        #expect(error.kind == .invalidResponse)
        #expect(error.description.contains(store.path))
        return error
    }

    // MARK: - Round trips

    @Test func smallBucketIsInlineAndReadsBackWithoutTheIndexPrefix() async throws {
        let pairs = [
            "traefik/frontends/f1/backend": "backend1",
            "traefik/frontends/f1/routes/r1/rule": "Host",
            "traefik/backends/backend1/servers/s1/url": "http://127.0.0.1:8081",
        ]
        let image = Self.libkvFile(pairs)
        #expect(image.statistics.inlineBuckets == 1)
        #expect(image.statistics.branchPages == 0)
        let store = try Self.store(with: image)
        #expect(try await store.listTree(prefix: "/traefik") == Self.expectedEntries(pairs))
    }

    @Test func twoThousandKeysSpanLeafAndBranchPages() async throws {
        let pairs = Dictionary(uniqueKeysWithValues: (0..<2000).map {
            ("traefik/backends/backend\($0 / 10)/servers/server\($0 % 10)/url", "http://127.0.0.1:\(10_000 + $0)")
        })
        let image = Self.libkvFile(pairs, pageSize: 1024)
        // Several branch pages means at least two branch levels above the leaves.
        #expect(image.statistics.branchPages > 1)
        #expect(image.statistics.leafPages > 100)
        #expect(image.statistics.inlineBuckets == 0)
        let store = try Self.store(with: image)
        let entries = try await store.listTree(prefix: "traefik")
        #expect(entries.count == 2000)
        #expect(entries == Self.expectedEntries(pairs))
    }

    @Test func theDefaultPageSizeAlsoReadsBackTwoThousandKeys() async throws {
        let pairs = Dictionary(uniqueKeysWithValues: (0..<2000).map { ("traefik/frontends/f\($0)/backend", "b\($0)") })
        let image = Self.libkvFile(pairs)
        #expect(image.statistics.leafPages > 10)
        let store = try Self.store(with: image)
        #expect(try await store.listTree(prefix: "/traefik/frontends") == Self.expectedEntries(pairs))
    }

    @Test func aValueLargerThanAPageUsesOverflowPages() async throws {
        let large = String(repeating: "x", count: 10_000)
        let pairs = ["traefik/large": large, "traefik/small": "s"]
        let image = Self.libkvFile(pairs)
        #expect(image.statistics.overflowPages >= 2)
        let store = try Self.store(with: image)
        #expect(try await store.listTree(prefix: "/traefik") == Self.expectedEntries(pairs))
    }

    @Test func keysWithAndWithoutALeadingSlashReadTheSame() async throws {
        let contents = BoltBucketContents(values: [
            "traefik/frontends/f1/backend": BoltBucketContents.libkvValue("b1"),
            "/traefik/frontends/f2/backend": BoltBucketContents.libkvValue("b2"),
            "/traefik/frontends/f3/backend": BoltBucketContents.libkvValue("slashed"),
            "traefik/frontends/f3/backend": BoltBucketContents.libkvValue("plain"),
        ])
        let store = try Self.store(with: BoltFileWriter().image(current: ["traefik": contents]))
        #expect(try await store.listTree(prefix: "traefik/frontends") == [
            KVEntry(key: "/traefik/frontends/f1/backend", value: "b1"),
            KVEntry(key: "/traefik/frontends/f2/backend", value: "b2"),
            KVEntry(key: "/traefik/frontends/f3/backend", value: "plain"),
        ])
    }

    @Test func theIndexPrefixIsStrippedWhateverItsValue() async throws {
        let contents = BoltBucketContents(values: [
            "traefik/a": BoltBucketContents.libkvValue("one", index: 0xFFFF_FFFF_FFFF_FFFF),
            "traefik/empty": BoltBucketContents.libkvValue("", index: 3),
            "traefik/short": [1, 2, 3, 4, 5, 6, 7],
        ])
        let store = try Self.store(with: BoltFileWriter().image(current: ["traefik": contents]))
        #expect(try await store.listTree(prefix: "") == [
            KVEntry(key: "/traefik/a", value: "one"),
            KVEntry(key: "/traefik/empty", value: ""),
        ])
    }

    // MARK: - Prefixes and buckets

    @Test func prefixesSelectWholePathSegments() async throws {
        let pairs = [
            "traefik/alias": "/traefik_configurations/1",
            "traefik/backends/b1/servers/s1/url": "http://127.0.0.1:1",
            "traefik/frontends/f1/backend": "b1",
            "traefik_configurations/1/frontends/f1/backend": "b1",
        ]
        let store = try Self.store(with: Self.libkvFile(pairs))
        #expect(try await store.listTree(prefix: "/traefik").map(\.key) == [
            "/traefik/alias", "/traefik/backends/b1/servers/s1/url", "/traefik/frontends/f1/backend",
        ])
        #expect(try await store.listTree(prefix: "traefik/backends/").map(\.key) == ["/traefik/backends/b1/servers/s1/url"])
        #expect(try await store.listTree(prefix: "/traefik/alias") == [KVEntry(key: "/traefik/alias", value: "/traefik_configurations/1")])
        #expect(try await store.listTree(prefix: "/traefik_configurations").count == 1)
        #expect(try await store.listTree(prefix: "").count == 4)
        #expect(try await store.listTree(prefix: "/missing").isEmpty)
    }

    @Test func aMissingBucketIsEmptyAndOtherBucketsAreReadable() async throws {
        let image = BoltFileWriter().image(current: ["other": .libkv(["k": "v"])])
        let store = try Self.store(with: image)
        #expect(try await store.listTree(prefix: "").isEmpty)
        let otherStore = BoltDBStore(path: store.path, bucket: "other")
        #expect(try await otherStore.listTree(prefix: "") == [KVEntry(key: "/k", value: "v")])
    }

    @Test func anEmptyDatabaseHasNoEntries() async throws {
        let store = try Self.store(with: BoltFileWriter().image(current: [:]))
        #expect(try await store.listTree(prefix: "").isEmpty)
    }

    @Test func nestedBucketsAreSkipped() async throws {
        var contents = BoltBucketContents.libkv(["traefik/frontends/f1/backend": "b1"])
        contents.buckets = [
            "nested": .libkv(["traefik/frontends/hidden/backend": "x"]),
            "deep": BoltBucketContents(buckets: ["deeper": .libkv(["traefik/deeper": "y"])]),
        ]
        let image = BoltFileWriter().image(current: ["traefik": contents, "zzz": .libkv(["a": "b"])])
        // `traefik` has sub-buckets, so it is a paged bucket holding inline ones.
        #expect(image.statistics.inlineBuckets >= 2)
        let store = try Self.store(with: image)
        #expect(try await store.listTree(prefix: "") == [KVEntry(key: "/traefik/frontends/f1/backend", value: "b1")])
    }

    // MARK: - Meta pages

    @Test(arguments: [UInt64(7), 8])
    func theMetaWithTheHigherTxidWins(txid: UInt64) async throws {
        let image = BoltFileWriter().image(
            current: ["traefik": .libkv(["traefik/version": "new"])],
            previous: ["traefik": .libkv(["traefik/version": "old"])],
            txid: txid
        )
        #expect(image.newerMetaPage == Int(txid % 2))
        let store = try Self.store(with: image)
        #expect(try await store.listTree(prefix: "/traefik") == [KVEntry(key: "/traefik/version", value: "new")])
    }

    @Test(arguments: [UInt64(7), 8])
    func aCorruptNewerMetaFallsBackToTheOlderOne(txid: UInt64) async throws {
        var image = BoltFileWriter().image(
            current: ["traefik": .libkv(["traefik/version": "new"])],
            previous: ["traefik": .libkv(["traefik/version": "old"])],
            txid: txid
        )
        // Flip one bit of the newer meta's root page: its checksum no longer matches.
        image.bytes[image.metaOffset(ofPage: image.newerMetaPage) + 16] ^= 0x01
        let store = try Self.store(with: image)
        #expect(try await store.listTree(prefix: "/traefik") == [KVEntry(key: "/traefik/version", value: "old")])
    }

    @Test func bothMetasCorruptIsAnInvalidResponse() async throws {
        var image = Self.libkvFile(["traefik/a": "1"])
        image.bytes[image.metaOffset(ofPage: 0)] ^= 0xFF
        image.bytes[image.metaOffset(ofPage: 1) + 60] ^= 0xFF
        let store = try Self.store(with: image)
        let error = try await Self.invalidResponse(from: store)
        #expect(error.description.contains("no valid meta page"))
        #expect(error.description.contains("checksum"))
    }

    // MARK: - Damaged files

    @Test func aTruncatedFileNamesTheFileAndThePage() async throws {
        let pairs = Dictionary(uniqueKeysWithValues: (0..<2000).map { ("traefik/k\($0)", "v\($0)") })
        var image = Self.libkvFile(pairs, pageSize: 1024)
        image.bytes.removeLast(image.bytes.count / 2)
        let store = try Self.store(with: image)
        let error = try await Self.invalidResponse(from: store)
        #expect(error.description.contains("page "))
        #expect(error.description.contains("past the end of the file"))
    }

    @Test func aBranchPointingPastTheHighWaterMarkIsAnError() async throws {
        let pairs = Dictionary(uniqueKeysWithValues: (0..<2000).map { ("traefik/k\($0)", "v\($0)") })
        var image = Self.libkvFile(pairs, pageSize: 1024)
        let bucketRoot = try Self.bucketRootPage(of: image)
        // First branch element of the bucket's root: its child page id sits 8 bytes into the element.
        Self.storeLittleEndianUInt64(1_000_000, into: &image.bytes, at: Int(bucketRoot) * image.pageSize + 16 + 8)
        let error = try await Self.invalidResponse(from: try Self.store(with: image))
        #expect(error.description.contains("page 1000000: page id is beyond the high-water mark"))
    }

    @Test func aBranchPointingBackUpTheTreeIsAnErrorNotALoop() async throws {
        let pairs = Dictionary(uniqueKeysWithValues: (0..<2000).map { ("traefik/k\($0)", "v\($0)") })
        var image = Self.libkvFile(pairs, pageSize: 1024)
        let bucketRoot = try Self.bucketRootPage(of: image)
        Self.storeLittleEndianUInt64(bucketRoot, into: &image.bytes, at: Int(bucketRoot) * image.pageSize + 16 + 8)
        let error = try await Self.invalidResponse(from: try Self.store(with: image))
        #expect(error.description.contains("page \(bucketRoot): page is referenced twice"))
    }

    /// The root page of bucket `traefik` when it is the only top-level bucket and is not inline: read from the
    /// newer meta's root page, whose single leaf element's value starts with the bucket's root page id.
    static func bucketRootPage(of image: BoltFileImage) throws -> UInt64 {
        let rootBucketPage = Int(littleEndianUInt64(image.bytes, at: image.metaOffset(ofPage: image.newerMetaPage) + 16))
        let element = rootBucketPage * image.pageSize + 16
        let position = Int(image.bytes[element + 4]) | Int(image.bytes[element + 5]) << 8
        let keySize = Int(image.bytes[element + 8])
        let page = littleEndianUInt64(image.bytes, at: element + position + keySize)
        try #require(page != 0, "bucket `traefik` is inline")
        return page
    }

    @Test func garbageIsNotABoltDatabase() async throws {
        let path = try Self.temporaryPath()
        let garbage = (0..<20_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        try Data(garbage).write(to: URL(fileURLWithPath: path))
        let error = try await Self.invalidResponse(from: BoltDBStore(path: path))
        #expect(error.description.contains("not a bolt database"))
    }

    @Test func anEmptyFileIsAnInvalidResponse() async throws {
        let path = try Self.temporaryPath()
        try Data().write(to: URL(fileURLWithPath: path))
        let error = try await Self.invalidResponse(from: BoltDBStore(path: path))
        #expect(error.description.contains("empty"))
    }

    @Test func aMissingFileIsUnreachable() async throws {
        let path = try Self.temporaryPath()
        let store = BoltDBStore(path: path)
        let error = try await #require(throws: KVStoreError.self) { try await store.listTree(prefix: "") }
        #expect(error == KVStoreError(.unreachable, "boltdb \(path): no such file"))
    }

    @Test func aDirectoryIsUnreachable() async throws {
        let path = try Self.temporaryPath()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let error = try await #require(throws: KVStoreError.self) { try await BoltDBStore(path: path).listTree(prefix: "") }
        #expect(error.kind == .unreachable)
    }

    @Test func aClosedStoreIsUnreachable() async throws {
        let store = try Self.store(with: Self.libkvFile(["traefik/a": "1"]))
        #expect(try await store.listTree(prefix: "").count == 1)
        await store.close()
        let error = try await #require(throws: KVStoreError.self) { try await store.listTree(prefix: "") }
        #expect(error.kind == .unreachable)
    }

    // MARK: - Watch

    @Test(arguments: [false, true])
    func aRewriteIsReportedAfterArmed(atomically: Bool) async throws {
        let store = try Self.store(with: BoltFileWriter().image(current: ["traefik": .libkv(["traefik/v": "1"])], txid: 2))
        let recorder = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { recorder.cancel() }
        try await recorder.waitFor([.armed])
        #expect(recorder.events == [.armed])
        // Same size and same tree shape: only the value byte and the txid differ, as in a bolt commit.
        let rewrite = BoltFileWriter().image(current: ["traefik": .libkv(["traefik/v": "2"])], txid: 3)
        try rewrite.write(to: store.path, atomically: atomically)
        try await recorder.waitFor([.armed, .changed])
        #expect(recorder.events.first == .armed)
        #expect(recorder.events.dropFirst().allSatisfy { $0 == .changed })
        #expect(try await store.listTree(prefix: "/traefik") == [KVEntry(key: "/traefik/v", value: "2")])
    }

    @Test func watchingAMissingFileFailsUnreachable() async throws {
        let store = BoltDBStore(path: try Self.temporaryPath(), pollInterval: .milliseconds(50))
        let recorder = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        let error = try await recorder.waitForFailure()
        #expect(recorder.events.isEmpty)
        #expect((error as? KVStoreError)?.kind == .unreachable)
    }

    @Test func aFileRemovedDuringTheWatchEndsItUnreachable() async throws {
        let store = try Self.store(with: Self.libkvFile(["traefik/a": "1"]))
        let recorder = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { recorder.cancel() }
        try await recorder.waitFor([.armed])
        try FileManager.default.removeItem(atPath: store.path)
        let error = try await recorder.waitForFailure()
        #expect((error as? KVStoreError)?.kind == .unreachable)
    }

    @Test func closingTheStoreEndsItsWatches() async throws {
        let store = try Self.store(with: Self.libkvFile(["traefik/a": "1"]))
        let recorder = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { recorder.cancel() }
        try await recorder.waitFor([.armed])
        await store.close()
        let error = try await recorder.waitForFailure()
        #expect((error as? KVStoreError)?.kind == .unreachable)
    }

    @Test func cancellingTheConsumerEndsTheWatchQuietly() async throws {
        let store = try Self.store(with: Self.libkvFile(["traefik/a": "1"]))
        let recorder = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        try await recorder.waitFor([.armed])
        recorder.cancel()
        #expect(try await recorder.waitForFailure() == nil)
    }
}
