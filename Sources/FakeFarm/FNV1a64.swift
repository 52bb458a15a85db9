/// FNV-1a, 64-bit: the whoami echo's `bodyChecksum`, computed incrementally so a body is never held whole.
public struct FNV1a64: Sendable, Equatable {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    public private(set) var value: UInt64 = FNV1a64.offsetBasis

    public init() {}

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        // Contiguous storage takes the raw-pointer loop: a generic per-byte iteration is ~100× slower in
        // debug builds, and a 20 MiB upload is hashed on the event loop.
        let hashedContiguously: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        guard hashedContiguously == nil else { return }
        var hash = value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= FNV1a64.prime
        }
        value = hash
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var hash = value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= FNV1a64.prime
        }
        value = hash
    }

    /// Sixteen lowercase hex digits, zero-padded.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public static func hex(of bytes: some Sequence<UInt8>) -> String {
        var hasher = FNV1a64()
        hasher.update(bytes)
        return hasher.hex
    }
}
