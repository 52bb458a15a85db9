import Testing

@testable import KVStores

/// Parsing of bolt files from bytes made outside our own writer, and the key rules of the `KVStore` contract.
@Suite struct BoltDBPageParsingTests {
    /// A database written by an independent bolt implementation (the Python port `boltdb` 0.0.2 from PyPI): one
    /// commit that created bucket `traefik` (inline) with a libkv-style key spelled without a leading slash and one
    /// spelled with it. Only each page's non-zero start is listed; the file is 9 pages of 4 KiB. That writer leaves
    /// meta checksums at 0, which boltdb/bolt accepts as "not recorded".
    static let independentWriterPages: [Int: String] = [
        0: "00000000000000000400000000000000edda0ced020000000010000000000000040000000000000000000000000000000200000000000000050000000000000002000000000000000000000000000000",
        1: "01000000000000000400000000000000edda0ced020000000010000000000000030000000000000000000000000000000200000000000000040000000000000001000000000000000000000000000000",
        2: "020000000000000010000100000000000000000000000000000000000000000000000000000000000300000000000000",
        3: "03000000000000000200000000000000",
        4: "04000000000000000200010000000000010000001000000007000000a60000007472616566696b00000000000000000000000000000000000000000000000002000200000000000000000020000000230000001d00"
            + "000000000000500000001c0000000a0000002f7472616566696b2f6261636b656e64732f62312f736572766572732f73312f75726c0100000000000000687474703a2f2f3132372e302e302e313a38303831747261"
            + "6566696b2f66726f6e74656e64732f66312f6261636b656e6401000000000000006231",
    ]

    static func independentWriterFile() -> [UInt8] {
        let pageSize = 4096
        var bytes = [UInt8](repeating: 0, count: 9 * pageSize)
        for (page, hex) in independentWriterPages {
            let pageBytes = decodeHex(hex)
            bytes.replaceSubrange((page * pageSize)..<(page * pageSize + pageBytes.count), with: pageBytes)
        }
        return bytes
    }

    static func decodeHex(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
    }

    static func libkvPayload(_ value: [UInt8]) -> String {
        #expect(value.prefix(8) == [1, 0, 0, 0, 0, 0, 0, 0])
        return String(decoding: value.dropFirst(8), as: UTF8.self)
    }

    @Test func readsTheInlineBucketOfAnIndependentWriter() throws {
        let image = try BoltDatabaseImage(bytes: Self.independentWriterFile())
        #expect(image.meta == BoltMeta(pageSize: 4096, rootBucketPage: 4, highWaterPage: 5, txid: 2))
        let keyValues = try #require(try image.keyValues(inBucket: Array("traefik".utf8)))
        #expect(keyValues.map { String(decoding: $0.key, as: UTF8.self) } == [
            "/traefik/backends/b1/servers/s1/url", "traefik/frontends/f1/backend",
        ])
        #expect(keyValues.map { Self.libkvPayload($0.value) } == ["http://127.0.0.1:8081", "b1"])
        #expect(keyValues.allSatisfy { !$0.isBucket })
    }

    @Test func storeEntriesNormaliseBothKeySpellings() throws {
        let image = try BoltDatabaseImage(bytes: Self.independentWriterFile())
        let keyValues = try #require(try image.keyValues(inBucket: Array("traefik".utf8)))
        #expect(BoltDBStore.entries(from: keyValues, under: "/traefik") == [
            KVEntry(key: "/traefik/backends/b1/servers/s1/url", value: "http://127.0.0.1:8081"),
            KVEntry(key: "/traefik/frontends/f1/backend", value: "b1"),
        ])
    }

    @Test func missingBucketIsNil() throws {
        let image = try BoltDatabaseImage(bytes: Self.independentWriterFile())
        #expect(try image.keyValues(inBucket: Array("other".utf8)) == nil)
    }

    @Test func aBadChecksumOnTheNewerMetaFallsBackToTheOlderCommit() throws {
        var bytes = Self.independentWriterFile()
        bytes[16 + 56] = 0x5A  // meta 0 (txid 2) now claims a checksum its fields do not have
        let image = try BoltDatabaseImage(bytes: bytes)
        // Meta 1 is txid 1, the empty database before bucket `traefik` was created.
        #expect(image.meta.txid == 1)
        #expect(image.meta.rootBucketPage == 3)
        #expect(try image.keyValues(inBucket: Array("traefik".utf8)) == nil)
    }

    @Test func aTruncatedFileNamesTheMissingPage() {
        let bytes = Array(Self.independentWriterFile().prefix(4 * 4096))
        #expect(throws: BoltFormatError(page: 4, reason: "page lies past the end of the file (16384 bytes, 4096-byte pages); truncated?")) {
            try BoltDatabaseImage(bytes: bytes).keyValues(inBucket: Array("traefik".utf8))
        }
    }

    @Test func anElementPointingPastItsPageIsAnError() throws {
        var bytes = Self.independentWriterFile()
        // Page 4, element 0 (the `traefik` bucket): value size 0xA6 → 0xFFA6.
        bytes[4 * 4096 + 16 + 13] = 0xFF
        let error = try #require(throws: BoltFormatError.self) {
            try BoltDatabaseImage(bytes: bytes).keyValues(inBucket: Array("traefik".utf8))
        }
        #expect(error.page == 4)
        #expect(error.reason.contains("past the page end"))
    }

    @Test func bothMetasInvalidIsNotABoltFile() throws {
        var bytes = Self.independentWriterFile()
        bytes[16] = 0
        bytes[4096 + 16] = 0
        let error = try #require(throws: BoltFormatError.self) { try BoltDatabaseImage(bytes: bytes) }
        #expect(error.page == nil)
        #expect(error.reason.contains("no valid meta page"))
        #expect(error.reason.contains("page 0: bad magic"))
    }

    @Test(arguments: [
        ("traefik/a/b", "/traefik/a/b"),
        ("/traefik/a/b", "/traefik/a/b"),
        ("//traefik/a/", "/traefik/a"),
        ("a", "/a"),
    ])
    func keysGetOneLeadingSlashAndNoTrailingSlash(raw: String, normalised: String) {
        #expect(BoltKeyPath.normalised(raw) == normalised)
    }

    @Test func keysOfOnlySlashesNameNoLeaf() {
        #expect(BoltKeyPath.normalised("/") == nil)
        #expect(BoltKeyPath.normalised("") == nil)
        #expect(BoltKeyPath.normalisedPrefix("") == "/")
        #expect(BoltKeyPath.normalisedPrefix("traefik/") == "/traefik")
    }

    @Test func prefixesMatchWholePathSegments() {
        #expect(KVKeyPath.isAtOrBelow("/traefik", prefix: "/traefik"))
        #expect(KVKeyPath.isAtOrBelow("/traefik/a", prefix: "/traefik"))
        #expect(!KVKeyPath.isAtOrBelow("/traefik_configurations/a", prefix: "/traefik"))
        #expect(KVKeyPath.isAtOrBelow("/anything", prefix: "/"))
    }

    @Test func shortValuesAndNestedBucketsAreSkippedAndTheUnslashedSpellingWins() {
        let index: [UInt8] = [7, 0, 0, 0, 0, 0, 0, 0]
        let keyValues = [
            BoltKeyValue(key: Array("/traefik/c".utf8), value: index + Array("slashed".utf8), isBucket: false),
            BoltKeyValue(key: Array("traefik/a".utf8), value: index, isBucket: false),
            BoltKeyValue(key: Array("traefik/b".utf8), value: [1, 2, 3], isBucket: false),
            BoltKeyValue(key: Array("traefik/c".utf8), value: index + Array("plain".utf8), isBucket: false),
            BoltKeyValue(key: Array("traefik/d".utf8), value: index + index, isBucket: true),
        ]
        #expect(BoltDBStore.entries(from: keyValues, under: "/") == [
            KVEntry(key: "/traefik/a", value: ""),
            KVEntry(key: "/traefik/c", value: "plain"),
        ])
    }
}
