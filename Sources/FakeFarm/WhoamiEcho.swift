/// The JSON object a whoami server answers with by default: what it saw of the request.
public struct WhoamiEcho: Sendable, Equatable, Decodable {
    public var name: String
    public var method: String
    /// The request target exactly as received.
    public var uri: String
    /// "HTTP/1.1" or "HTTP/1.0".
    public var proto: String
    public var host: String
    /// Header names as received, values in arrival order.
    public var headers: [String: [String]]
    /// "ip:port" of the connecting peer (the proxy, when behind one).
    public var remoteAddr: String
    public var bodyLength: Int
    /// FNV-1a 64 of the request body, see `FNV1a64.hex(of:)`.
    public var bodyChecksum: String

    /// All values of a header, the name matched case-insensitively.
    public func header(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.key.lowercased() == wanted }.flatMap(\.value)
    }
}

/// Writes the echo by hand so key order is stable and the server needs no Foundation.
enum WhoamiEchoJSON {
    struct Fields {
        var name: String
        var method: String
        var uri: String
        var proto: String
        var host: String
        var headers: [(name: String, value: String)]
        var remoteAddr: String
        var bodyLength: Int
        var bodyChecksum: String
    }

    static func encode(_ fields: Fields) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(contentsOf: "{".utf8)
        appendMember("name", fields.name, to: &out)
        appendMember("method", fields.method, to: &out)
        appendMember("uri", fields.uri, to: &out)
        appendMember("proto", fields.proto, to: &out)
        appendMember("host", fields.host, to: &out)
        appendString("headers", to: &out)
        out.append(contentsOf: ":{".utf8)
        for (index, group) in groupedHeaders(fields.headers).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(group.name, to: &out)
            out.append(contentsOf: ":[".utf8)
            for (valueIndex, value) in group.values.enumerated() {
                if valueIndex > 0 { out.append(UInt8(ascii: ",")) }
                appendString(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: "},".utf8)
        appendMember("remoteAddr", fields.remoteAddr, to: &out)
        appendString("bodyLength", to: &out)
        out.append(contentsOf: ":\(fields.bodyLength),".utf8)
        appendString("bodyChecksum", to: &out)
        out.append(UInt8(ascii: ":"))
        appendString(fields.bodyChecksum, to: &out)
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    /// Groups repeated headers under the first spelling of their exact name, keeping first-seen order.
    private static func groupedHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, values: [String])] {
        var groups: [(name: String, values: [String])] = []
        var positions: [String: Int] = [:]
        for (name, value) in headers {
            if let position = positions[name] {
                groups[position].values.append(value)
            } else {
                positions[name] = groups.count
                groups.append((name, [value]))
            }
        }
        return groups
    }

    private static func appendMember(_ key: String, _ value: String, to out: inout [UInt8]) {
        appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        appendString(value, to: &out)
        out.append(UInt8(ascii: ","))
    }

    private static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                out.append(contentsOf: "\\u00".utf8)
                out.append(contentsOf: (hex.count == 1 ? "0" + hex : hex).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
