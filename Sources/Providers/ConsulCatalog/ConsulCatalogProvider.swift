import ProviderHTTP
import TraefikCore

/// The Consul catalog provider (spec §12A, issue 13): a route per service with passing instances.
///
/// It reads `GET /v1/catalog/services`, then `GET /v1/health/service/<name>?passing=1` for each service, and
/// then blocks (Consul blocking queries, `wait=15s`) on the catalog **and** on each service's health query at once:
/// whichever index moves first causes a new reading. Watching health too fixes the original, where an instance
/// turning critical (or passing again) without a catalog change was not noticed. Errors are reported `unavailable`
/// once and retried with capped exponential backoff forever (decision D15; no 15-minute fatal budget).
public struct ConsulCatalogProvider: RereadableProvider {
    public var name: ProviderName { .consulCatalog }
    public let client: ProviderHTTPClient
    public let domain: String
    public let templateFile: String?
    public let backoff: RetryBackoff
    /// The `wait` of every blocking query.
    public let blockingWait: Duration

    public init(
        client: ProviderHTTPClient, domain: String, templateFile: String? = nil, backoff: RetryBackoff = RetryBackoff(),
        blockingWait: Duration = .seconds(15)
    ) {
        self.client = client
        self.domain = domain
        self.templateFile = templateFile
        self.backoff = backoff
        self.blockingWait = blockingWait
    }

    public func events() -> AsyncStream<ProviderEvent> {
        let provider = self
        return ProviderRun.events(backoff: backoff, describe: describe) { output in
            while true {
                let listing = try await provider.listing()
                output.emit(provider.event(for: listing))
                try await provider.waitForChange(after: listing)
            }
        }
    }

    /// The routes the catalog gives now (one reading): what SIGHUP uses.
    public func currentEvent() async -> ProviderEvent {
        do {
            return event(for: try await listing())
        } catch {
            return .unavailable(describe(error))
        }
    }

    /// The routes (or why there are none) for one reading: pure, no I/O but the template file.
    public func event(for listing: ConsulCatalogListing) -> ProviderEvent {
        if let templateFile {
            return ConsulCatalogTemplateRendering.event(templateFile: templateFile, listing: listing, domain: domain)
        }
        return .snapshot(ConsulCatalogConfigurationBuilder.snapshot(from: listing, domain: domain))
    }

    @Sendable func describe(_ error: any Error) -> String {
        "consul catalog \(client.endpoint): \(error)"
    }

    /// The catalog and the passing instances of every service in it, with the indexes to block on.
    func listing() async throws -> ConsulCatalogListing {
        let (names, catalogIndex) = try await query("/v1/catalog/services", index: nil)
        var listing = ConsulCatalogListing(services: [:], catalogIndex: catalogIndex)
        for name in ConsulCatalogListing.serviceNames(inCatalog: try decode(names, ConsulCatalogListing.decodeCatalog)) {
            let (body, index) = try await query(healthPath(name), index: nil)
            listing.services[name] = try decode(body, ConsulCatalogListing.decodeHealth)
            listing.healthIndexes[name] = index
        }
        return listing
    }

    /// Returns once the catalog's index or any listed service's health index differs from `listing`'s.
    func waitForChange(after listing: ConsulCatalogListing) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await blockUntilChanged("/v1/catalog/services", from: listing.catalogIndex) }
            for (name, index) in listing.healthIndexes {
                group.addTask { try await blockUntilChanged(healthPath(name), from: index) }
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }

    private func blockUntilChanged(_ path: String, from index: UInt64) async throws {
        while true {
            // A reply with the same index is a blocking query whose wait ran out: ask again.
            let (_, newIndex) = try await query(path, index: index)
            if newIndex != index { return }
        }
    }

    private func healthPath(_ service: String) -> String {
        "/v1/health/service/\(service.percentEncodedPathSegment)?passing=1"
    }

    /// One (blocking, with `index`) query: the body and `X-Consul-Index`.
    private func query(_ path: String, index: UInt64?) async throws -> ([UInt8], UInt64) {
        var target = path
        var timeout: Duration?
        if let index {
            let seconds = blockingWait.components.seconds
            target += (path.contains("?") ? "&" : "?") + "index=\(index)&wait=\(seconds)s"
            // Consul adds up to wait/16 of jitter; the request must outlive it.
            timeout = blockingWait + .seconds(10)
        }
        let response = try await client.send(ProviderHTTPRequest(method: "GET", target: target), timeout: timeout)
        guard response.status == 200 else {
            throw ConsulCatalogError("\(path): HTTP \(response.status) \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
        guard let indexText = response.header("X-Consul-Index"), let newIndex = UInt64(indexText) else {
            throw ConsulCatalogError("\(path): no X-Consul-Index in the reply")
        }
        return (response.body, newIndex)
    }

    private func decode<T>(_ body: [UInt8], _ parse: ([UInt8]) throws -> T) throws -> T {
        do {
            return try parse(body)
        } catch {
            throw ConsulCatalogError("unreadable reply (\(error))")
        }
    }
}

struct ConsulCatalogError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension String {
    /// Service names go into the URL path as one segment.
    fileprivate var percentEncodedPathSegment: String {
        var result = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.append(Character(UnicodeScalar(byte)))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return result
    }

    private var leftPadded: String { count < 2 ? "0" + self : self }
}
