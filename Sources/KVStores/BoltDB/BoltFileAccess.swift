#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the watch compares between polls: the file's identity and timestamps, plus the start of both meta pages.
///
/// mtime can be too coarse to see two commits in the same few milliseconds with an unchanged size; bolt writes a
/// new txid and checksum to a meta page on every commit, so the meta bytes catch those.
struct BoltFileFingerprint: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modification: Timestamp
    var statusChange: Timestamp
    var metaHeaders: [UInt8]

    struct Timestamp: Sendable, Equatable {
        var seconds: Int64
        var nanoseconds: Int64
    }
}

/// Plain POSIX reads of the database file: no lock (bolt writers lock the file exclusively and mmap it; a reader
/// that took a lock would block them, so we read whatever is on disk and retry once on a torn read instead).
enum BoltFileAccess {
    /// The whole file. Missing or unreadable → `.unreachable`.
    static func contents(of path: String) throws(KVStoreError) -> [UInt8] {
        let descriptor = try openForReading(path)
        defer { _ = close(descriptor) }
        let size = try status(of: descriptor, path: path).size
        var contents = [UInt8](repeating: 0, count: Int(size))
        let filled = try readFully(descriptor, into: &contents, at: 0, path: path)
        // A file that shrank since fstat is returned short; the parser then reports the truncation.
        return Array(contents.prefix(filled))
    }

    static func fingerprint(of path: String) throws(KVStoreError) -> BoltFileFingerprint {
        let descriptor = try openForReading(path)
        defer { _ = close(descriptor) }
        var fingerprint = try status(of: descriptor, path: path)
        let metaSpan = BoltLayout.pageHeaderSize + BoltLayout.metaSize
        var firstMeta = [UInt8](repeating: 0, count: metaSpan)
        let firstFilled = try readFully(descriptor, into: &firstMeta, at: 0, path: path)
        fingerprint.metaHeaders = Array(firstMeta.prefix(firstFilled))
        // Meta 1 sits one page in; take the page size from meta 0 when it is plausible, else the common 4 KiB.
        let recordedPageSize = firstFilled >= 28
            ? Int(firstMeta[24]) | Int(firstMeta[25]) << 8 | Int(firstMeta[26]) << 16 | Int(firstMeta[27]) << 24
            : 0
        let pageSize = BoltLayout.plausiblePageSizes.contains(recordedPageSize) ? recordedPageSize : 4096
        var secondMeta = [UInt8](repeating: 0, count: metaSpan)
        let secondFilled = try readFully(descriptor, into: &secondMeta, at: pageSize, path: path)
        fingerprint.metaHeaders += secondMeta.prefix(secondFilled)
        return fingerprint
    }

    private static func openForReading(_ path: String) throws(KVStoreError) -> Int32 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw KVStoreError(.unreachable, "boltdb \(path): no such file") }
            throw KVStoreError(.unreachable, "boltdb \(path): cannot open: \(errorText(code))")
        }
        return descriptor
    }

    /// Reads until `buffer` is full or the file ends; returns how many bytes were read.
    private static func readFully(
        _ descriptor: Int32, into buffer: inout [UInt8], at offset: Int, path: String
    ) throws(KVStoreError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let chunk = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + filled, raw.count - filled, off_t(offset + filled))
            }
            if chunk == 0 { break }
            if chunk < 0 {
                let code = errno
                if code == EINTR { continue }
                throw KVStoreError(.unreachable, "boltdb \(path): cannot read: \(errorText(code))")
            }
            filled += chunk
        }
        return filled
    }

    private static func status(of descriptor: Int32, path: String) throws(KVStoreError) -> BoltFileFingerprint {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw KVStoreError(.unreachable, "boltdb \(path): cannot stat: \(errorText(errno))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw KVStoreError(.unreachable, "boltdb \(path): not a regular file")
        }
        #if canImport(Darwin)
        let modification = info.st_mtimespec
        let statusChange = info.st_ctimespec
        #else
        let modification = info.st_mtim
        let statusChange = info.st_ctim
        #endif
        return BoltFileFingerprint(
            device: UInt64(info.st_dev),
            inode: UInt64(info.st_ino),
            size: Int64(info.st_size),
            modification: .init(seconds: Int64(modification.tv_sec), nanoseconds: Int64(modification.tv_nsec)),
            statusChange: .init(seconds: Int64(statusChange.tv_sec), nanoseconds: Int64(statusChange.tv_nsec)),
            metaHeaders: []
        )
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
