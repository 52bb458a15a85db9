@testable import BoltDBReader

/// A bolt file's bytes read as the BoltDB KV store reads them (BoltDBStore.readBucket, listTree): the current meta
/// page, the `traefik` bucket's B+tree, then the libkv entries under `/traefik`. A corrupt file must be a
/// `BoltFormatError`, never a crash or a hang; listed entries must be normalised, unique, sorted and under the prefix.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let image = try? BoltDatabaseImage(bytes: bytes),
        let keyValues = try? image.keyValues(inBucket: Array("traefik".utf8))
    else { return 0 }
    for prefix in ["/traefik", "/"] {
        let entries = BoltDBStore.entries(from: keyValues, under: prefix)
        for (index, entry) in entries.enumerated() {
            guard BoltKeyPath.normalised(entry.key) == entry.key, KVKeyPath.isAtOrBelow(entry.key, prefix: prefix),
                index == 0 || entries[index - 1].key < entry.key
            else { fatalError("listing under \(prefix): entry \(index) \(entry.key.debugDescription) is out of place") }
        }
    }
    return 0
}
