/// A WebSocket frame for tests that speak the protocol over raw bytes after a 101.
public struct WebSocketTestFrame: Sendable, Equatable {
    public enum Opcode {
        public static let continuation: UInt8 = 0x0
        public static let text: UInt8 = 0x1
        public static let binary: UInt8 = 0x2
        public static let close: UInt8 = 0x8
        public static let ping: UInt8 = 0x9
        public static let pong: UInt8 = 0xA
    }

    public var fin: Bool
    public var opcode: UInt8
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: UInt8, payload: [UInt8]) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }

    public var text: String { String(decoding: payload, as: UTF8.self) }

    /// The example key from RFC 6455 §1.3; its accept value is `sampleAccept`.
    public static let sampleKey = "dGhlIHNhbXBsZSBub25jZQ=="
    public static let sampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    /// A GET that asks to upgrade to WebSocket.
    public static func upgradeRequest(target: String = "/ws", host: String, key: String = sampleKey) -> String {
        "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// A masked client text frame, as a browser would send it.
    public static func clientText(_ text: String, maskingKey: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]) -> [UInt8] {
        clientFrame(opcode: Opcode.text, payload: Array(text.utf8), maskingKey: maskingKey)
    }

    /// A masked client frame (clients must mask, RFC 6455 §5.3).
    public static func clientFrame(
        opcode: UInt8,
        payload: [UInt8],
        fin: Bool = true,
        maskingKey: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
    ) -> [UInt8] {
        precondition(maskingKey.count == 4, "a masking key has four bytes")
        var frame = header(fin: fin, opcode: opcode, masked: true, length: payload.count)
        frame.append(contentsOf: maskingKey)
        for (index, byte) in payload.enumerated() {
            frame.append(byte ^ maskingKey[index % 4])
        }
        return frame
    }

    /// The frame at the start of `bytes` (masked or not) and how many bytes it took, or nil if incomplete.
    public static func decode(_ bytes: ArraySlice<UInt8>) -> (frame: WebSocketTestFrame, consumed: Int)? {
        let start = bytes.startIndex
        guard bytes.count >= 2 else { return nil }
        let first = bytes[start]
        let second = bytes[start + 1]
        var offset = 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard bytes.count >= offset + 2 else { return nil }
            length = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
            offset += 2
        } else if length == 127 {
            guard bytes.count >= offset + 8 else { return nil }
            length = (0..<8).reduce(0) { $0 << 8 | Int(bytes[start + 2 + $1]) }
            offset += 8
        }
        let masked = second & 0x80 != 0
        var maskingKey: [UInt8] = []
        if masked {
            guard bytes.count >= offset + 4 else { return nil }
            maskingKey = Array(bytes[(start + offset)..<(start + offset + 4)])
            offset += 4
        }
        guard bytes.count >= offset + length else { return nil }
        var payload = Array(bytes[(start + offset)..<(start + offset + length)])
        if masked {
            for index in payload.indices { payload[index] ^= maskingKey[index % 4] }
        }
        let frame = WebSocketTestFrame(fin: first & 0x80 != 0, opcode: first & 0x0F, payload: payload)
        return (frame, offset + length)
    }

    private static func header(fin: Bool, opcode: UInt8, masked: Bool, length: Int) -> [UInt8] {
        var header: [UInt8] = [(fin ? 0x80 : 0) | (opcode & 0x0F)]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if length < 126 {
            header.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            header.append(maskBit | 126)
            header.append(UInt8(length >> 8))
            header.append(UInt8(length & 0xFF))
        } else {
            header.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                header.append(UInt8((length >> shift) & 0xFF))
            }
        }
        return header
    }
}
