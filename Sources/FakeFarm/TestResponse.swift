#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One HTTP/1.x response as read off the wire by `HTTPTestClient`.
public struct TestResponse: Sendable {
    public var status: Int
    public var reason: String
    /// "HTTP/1.1" or "HTTP/1.0", as in the status line.
    public var version: String
    /// In wire order, duplicates kept.
    public var headers: [(name: String, value: String)]
    /// Decoded: chunk framing removed.
    public var body: [UInt8]
    /// Trailer fields of a chunked body.
    public var trailers: [(name: String, value: String)]

    public init(
        status: Int,
        reason: String,
        version: String,
        headers: [(name: String, value: String)],
        body: [UInt8] = [],
        trailers: [(name: String, value: String)] = []
    ) {
        self.status = status
        self.reason = reason
        self.version = version
        self.headers = headers
        self.body = body
        self.trailers = trailers
    }

    /// The first value of a header, the name matched case-insensitively.
    public func header(_ name: String) -> String? {
        headerValues(name).first
    }

    /// Every value of a header in wire order (two `Set-Cookie` lines give two values).
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body decoded as JSON into `type`.
    public func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(body))
    }

    /// The body decoded as a whoami echo.
    public func whoami() throws -> WhoamiEcho {
        try json(WhoamiEcho.self)
    }
}
