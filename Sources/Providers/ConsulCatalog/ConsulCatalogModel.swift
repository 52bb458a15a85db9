import Foundation

/// One entry of `GET /v1/health/service/<name>?passing=1`: a node running an instance of the service.
public struct ConsulHealthEntry: Sendable, Equatable, Decodable {
    public var node: String
    public var nodeAddress: String
    public var serviceID: String
    public var serviceName: String
    public var serviceAddress: String
    public var servicePort: Int
    public var serviceTags: [String]

    public init(
        node: String, nodeAddress: String, serviceID: String = "", serviceName: String, serviceAddress: String = "",
        servicePort: Int, serviceTags: [String] = []
    ) {
        self.node = node
        self.nodeAddress = nodeAddress
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.serviceAddress = serviceAddress
        self.servicePort = servicePort
        self.serviceTags = serviceTags
    }

    private enum CodingKeys: String, CodingKey { case Node, Service }
    private struct Node: Decodable {
        var Node: String
        var Address: String
    }
    private struct Service: Decodable {
        var ID: String?
        var Service: String
        var Address: String?
        var Port: Int
        var Tags: [String]?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let node = try container.decode(Node.self, forKey: .Node)
        let service = try container.decode(Service.self, forKey: .Service)
        self.init(
            node: node.Node, nodeAddress: node.Address, serviceID: service.ID ?? "", serviceName: service.Service,
            serviceAddress: service.Address ?? "", servicePort: service.Port, serviceTags: service.Tags ?? [])
    }
}

/// What one reading of the catalog gives: the healthy instances of each service, and the indexes to block on.
public struct ConsulCatalogListing: Sendable, Equatable {
    /// Lowercased service name → its passing entries (possibly none).
    public var services: [String: [ConsulHealthEntry]]
    public var catalogIndex: UInt64
    /// Lowercased service name → the `X-Consul-Index` of its health query.
    public var healthIndexes: [String: UInt64]

    public init(services: [String: [ConsulHealthEntry]], catalogIndex: UInt64 = 0, healthIndexes: [String: UInt64] = [:]) {
        self.services = services
        self.catalogIndex = catalogIndex
        self.healthIndexes = healthIndexes
    }

    /// The names to look up, as the original: lowercased, without names containing a space, each once, sorted.
    public static func serviceNames(inCatalog names: some Sequence<String>) -> [String] {
        Set(names.map { $0.lowercased() }.filter { !$0.contains(" ") }).sorted()
    }

    static func decodeCatalog(_ body: [UInt8]) throws -> [String] {
        Array(try JSONDecoder().decode([String: [String]?].self, from: Data(body)).keys)
    }

    static func decodeHealth(_ body: [UInt8]) throws -> [ConsulHealthEntry] {
        try JSONDecoder().decode([ConsulHealthEntry].self, from: Data(body))
    }
}
