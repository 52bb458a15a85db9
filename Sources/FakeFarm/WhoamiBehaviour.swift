/// What a whoami request asks for through its query string (`?status=503&delay=100&header=X-A:1` …).
struct WhoamiBehaviour: Sendable, Equatable {
    struct ServerSentEvents: Sendable, Equatable {
        var count: Int
        var intervalMilliseconds: Int
    }

    struct ExtraHeader: Sendable, Equatable {
        var name: String
        var value: String
    }

    var status = 200
    var delayMilliseconds = 0
    /// Generated body length; `nil` means the JSON echo.
    var size: Int?
    var chunked = false
    var slowMilliseconds = 0
    var serverSentEvents: ServerSentEvents?
    var closeMidBody = false
    var extraHeaders: [ExtraHeader] = []

    init(target: String) {
        var eventIntervalMilliseconds = 0
        for (key, value) in Self.queryItems(of: target) {
            switch key {
            case "status": status = Int(value).map { min(max($0, 100), 999) } ?? status
            case "delay": delayMilliseconds = max(Int(value) ?? 0, 0)
            case "size": size = Int(value).map { max($0, 0) }
            case "chunked": chunked = value == "1" || value == "true"
            case "slow": slowMilliseconds = max(Int(value) ?? 0, 0)
            case "sse": serverSentEvents = ServerSentEvents(count: max(Int(value) ?? 0, 0), intervalMilliseconds: 0)
            case "interval": eventIntervalMilliseconds = max(Int(value) ?? 0, 0)
            case "close": closeMidBody = value == "mid"
            case "header":
                guard let colon = value.firstIndex(of: ":") else { continue }
                let name = String(value[..<colon])
                let headerValue = value[value.index(after: colon)...].drop { $0 == " " }
                if !name.isEmpty { extraHeaders.append(ExtraHeader(name: name, value: String(headerValue))) }
            default: continue
            }
        }
        // `interval` may come before or after `sse`.
        serverSentEvents?.intervalMilliseconds = eventIntervalMilliseconds
    }

    /// Query items in order, keys and values percent-decoded ('+' is a space, as Go's ParseQuery does).
    static func queryItems(of target: String) -> [(key: String, value: String)] {
        guard let questionMark = target.firstIndex(of: "?") else { return [] }
        var query = target[target.index(after: questionMark)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? percentDecoded(parts[1]) : ""
            return (key: percentDecoded(parts[0]), value: value)
        }
    }

    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if iterator.count >= 2, let high = hexValue(iterator[iterator.startIndex]),
                    let low = hexValue(iterator[iterator.startIndex + 1])
                {
                    bytes.append(high << 4 | low)
                    iterator = iterator.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
