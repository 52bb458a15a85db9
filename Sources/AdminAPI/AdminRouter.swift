import ConfigFormats
import TraefikCore

/// The admin server's routes (spec §9), without sockets: a request's method, target and body in, a
/// response out. Routing is path-exact and by method: anything else, HEAD included, is 404.
struct AdminRouter: Sendable {
    /// The two clocks `/health` reads; tests pass fixed ones.
    struct Clocks: Sendable {
        var wall: @Sendable () -> WallTime
        var monotonic: @Sendable () -> ContinuousClock.Instant

        static let system = Clocks(wall: { WallTime.now() }, monotonic: { ContinuousClock.now })
    }

    let readOnly: Bool
    let source: any AdminDataSource
    let clocks: Clocks

    init(readOnly: Bool, source: any AdminDataSource, clocks: Clocks = .system) {
        self.readOnly = readOnly
        self.source = source
        self.clocks = clocks
    }

    /// - Parameter target: the request target as sent (`/api/providers?x=1`); an absolute-form
    ///   target (`http://host/api`) is reduced to its path and query.
    func respond(method: String, target: String, body: [UInt8]) async -> AdminResponse {
        let (rawPath, query) = Self.splitTarget(target)
        guard rawPath.hasPrefix("/") else { return .notFound }
        // gorilla/mux cleans the path first and redirects, keeping the query (spec §4.4).
        let cleaned = PathCleaner.clean(rawPath)
        if cleaned != rawPath {
            return .movedPermanently(cleaned + (query.map { "?" + $0 } ?? ""))
        }
        if rawPath.hasPrefix(Self.dashboardPrefix) {
            guard method == "GET" else { return .notFound }
            guard let asset = Self.percentDecoded(rawPath.dropFirst(Self.dashboardPrefix.count)) else {
                return .error(400, "invalid URL escape")
            }
            return Self.dashboard(asset)
        }
        var segments: [String] = []
        for rawSegment in rawPath.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let segment = Self.percentDecoded(rawSegment) else { return .error(400, "invalid URL escape") }
            segments.append(segment)
        }
        return await route(method: method, segments, body: body)
    }

    private static let dashboardPrefix = "/dashboard/"

    private func route(method: String, _ segments: [String], body: [UInt8]) async -> AdminResponse {
        if segments.count >= 3, segments[0] == "api", segments[1] == "providers" {
            switch method {
            case "GET": return await lookUp(provider: segments[2], Array(segments.dropFirst(3)))
            case "PUT" where segments.count == 3: return await replace(provider: segments[2], body: body)
            default: return .notFound
            }
        }
        guard method == "GET" else { return .notFound }
        switch segments {
        case [""]:
            return .found(Self.dashboardPrefix)
        case ["health"]:
            return await health()
        case ["metrics"]:
            let text = await source.prometheusText()
            return AdminResponse(
                status: 200, headers: [("Content-Type", AdminResponse.prometheusContentType)], body: Array(text.utf8))
        case ["api"], ["api", "providers"]:
            return .json(await document().json)
        case ["api", "diagnostics"]:
            return .json(.array(await source.diagnostics().map { .string($0.description) }))
        default:
            return .notFound
        }
    }

    private func document() async -> APIDocument {
        APIDocument(
            configurations: await source.providerConfigurations(),
            backendStates: await source.backendStates(),
            diagnostics: await source.diagnostics())
    }

    /// `/api/providers/{p}` and below: `rest` is empty, or `backends`/`frontends` then at most a name,
    /// its collection (`servers`/`routes`) and a name in it. A missing collection of an existing
    /// parent is `null` (Go's nil map); a missing name is 404.
    private func lookUp(provider: String, _ rest: [String]) async -> AdminResponse {
        let childCollection: String
        switch rest.first {
        case nil: childCollection = ""
        case "backends": childCollection = "servers"
        case "frontends": childCollection = "routes"
        default: return .notFound
        }
        guard rest.count <= 4, rest.count < 3 || rest[2] == childCollection else { return .notFound }
        guard var value = await document().providers[provider] else { return .notFound }
        for (depth, key) in rest.enumerated() {
            let isCollection = depth % 2 == 0
            guard let child = value[key] else {
                guard isCollection, case .object = value else { return .notFound }
                return .json(.null)
            }
            value = child
        }
        return .json(value)
    }

    /// PUT /api/providers/{p}, checked in the original's order (spec §9).
    private func replace(provider: String, body: [UInt8]) async -> AdminResponse {
        if readOnly { return .text(403, "REST API is in read-only mode") }
        guard provider == ProviderName.web.rawValue else {
            return .text(400, "Only 'web' provider can be updated through the REST API")
        }
        let configuration: DynamicConfiguration
        do {
            let node = try JSONSource.parse(String(decoding: body, as: UTF8.self), file: "")
            var decoder = ConfigDecoder()
            configuration = try decoder.decode(DynamicConfiguration.self, from: node)
        } catch {
            return .error(400, "\(error)")
        }
        // The answer is the state before the update, as the original's (which applied it later).
        let before = await document().json
        await source.replaceWebConfiguration(configuration)
        return .json(before)
    }

    private func health() async -> AdminResponse {
        let counters = await source.healthCounters()
        let uptime = clocks.monotonic() - counters.started
        return .json(HealthReport.json(counters, uptime: uptime, now: clocks.wall()))
    }

    private static func dashboard(_ asset: String) -> AdminResponse {
        guard let (contentType, text) = DashboardAssets.lookup(asset) else { return .notFound }
        return AdminResponse(status: 200, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    private static func splitTarget(_ target: String) -> (path: String, query: String?) {
        var pathAndQuery = Substring(target)
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let authorityAndRest = target.dropFirst(scheme.count)
            pathAndQuery = authorityAndRest.firstIndex(of: "/").map { authorityAndRest[$0...] } ?? "/"
        }
        guard let mark = pathAndQuery.firstIndex(of: "?") else { return (String(pathAndQuery), nil) }
        return (String(pathAndQuery[..<mark]), String(pathAndQuery[pathAndQuery.index(after: mark)...]))
    }

    /// `%XX` escapes decoded; nil for a malformed escape or bytes that are not UTF-8.
    private static func percentDecoded(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
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
