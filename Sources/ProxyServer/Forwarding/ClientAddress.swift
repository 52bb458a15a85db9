import NIOCore

/// The client IP as sent in X-Forwarded-For, rendered once per connection. IPv4 is formatted here directly
/// because `SocketAddress.ipAddress` goes through inet_ntop/printf, measurable when every request is a new connection.
enum ClientAddress {
    static func text(_ address: SocketAddress) -> String {
        guard case .v4(let v4) = address else { return address.ipAddress ?? "" }
        let value = UInt32(bigEndian: v4.address.sin_addr.s_addr)
        return String(unsafeUninitializedCapacity: 15) { bytes in
            var count = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                if shift != 24 {
                    bytes[count] = UInt8(ascii: ".")
                    count += 1
                }
                let octet = UInt8(truncatingIfNeeded: value >> UInt32(shift))
                if octet >= 100 {
                    bytes[count] = UInt8(ascii: "0") + octet / 100
                    count += 1
                }
                if octet >= 10 {
                    bytes[count] = UInt8(ascii: "0") + (octet / 10) % 10
                    count += 1
                }
                bytes[count] = UInt8(ascii: "0") + octet % 10
                count += 1
            }
            return count
        }
    }
}
