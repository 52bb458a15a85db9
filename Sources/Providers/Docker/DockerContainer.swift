/// One running container as `GET /containers/{id}/json` (inspect) describes it: the fields the provider uses, and
/// the whole document for templates.
public struct DockerContainer: Sendable, Equatable {
    public var id: String
    /// As Docker writes it, with the leading `/`: `/web`.
    public var name: String
    public var labels: [String: String]
    /// The keys of `NetworkSettings.Ports` (`80/tcp`), published or not, sorted.
    public var exposedPorts: [String]
    /// `NetworkSettings.IPAddress`: the default bridge network's address, empty on user-defined networks only.
    public var ipAddress: String
    /// `NetworkSettings.Networks`: network name → that network's address.
    public var networkAddresses: [String: String]
    public var running: Bool
    /// The inspect document itself.
    public var inspect: DockerJSON

    /// Reads an inspect document; throws when it has no `Id` or `Name`.
    public init(inspect: DockerJSON) throws(DockerEngineError) {
        guard let id = inspect["Id"].string, let name = inspect["Name"].string else {
            throw DockerEngineError("container inspect without Id or Name")
        }
        self.init(id: id, name: name, inspect: inspect)
    }

    private init(id: String, name: String, inspect: DockerJSON) {
        self.id = id
        self.name = name
        self.inspect = inspect
        labels = (inspect["Config"]["Labels"].object ?? [:]).compactMapValues(\.string)
        let settings = inspect["NetworkSettings"]
        exposedPorts = (settings["Ports"].object ?? [:]).keys.sorted()
        ipAddress = settings["IPAddress"].string ?? ""
        networkAddresses = (settings["Networks"].object ?? [:]).compactMapValues { $0["IPAddress"].string }
        running = inspect["State"]["Running"].bool ?? true
    }

    /// A container described by its fields, with the inspect document Docker would give for it (tests, demos).
    public init(
        id: String? = nil,
        name: String,
        labels: [String: String] = [:],
        exposedPorts: [String] = ["80/tcp"],
        ipAddress: String = "",
        networkAddresses: [String: String] = [:]
    ) {
        let fullName = name.hasPrefix("/") ? name : "/" + name
        let id = id ?? DockerContainer.syntheticID(for: fullName)
        let networks = networkAddresses.mapValues { DockerJSON.object(["IPAddress": .string($0)]) }
        self.init(id: id, name: fullName, inspect: .object([
            "Id": .string(id),
            "Name": .string(fullName),
            "Config": .object(["Labels": .object(labels.mapValues(DockerJSON.string))]),
            "State": .object(["Running": .bool(true), "Status": .string("running")]),
            "NetworkSettings": .object([
                "IPAddress": .string(ipAddress),
                "Ports": .object(Dictionary(uniqueKeysWithValues: exposedPorts.map { ($0, DockerJSON.null) })),
                "Networks": .object(networks),
            ]),
        ]))
    }

    /// 64 hex digits derived from the name, as stable as Docker's own ids are for one container.
    private static func syntheticID(for name: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var digits = ""
        for round in 0..<4 {
            for byte in name.utf8 + [UInt8(round)] {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
            let hex = String(hash, radix: 16)
            digits += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return digits
    }
}
