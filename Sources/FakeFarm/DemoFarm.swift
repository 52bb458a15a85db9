/// The whoami backends behind `make run`: one server per (port, name).
public final class DemoFarm: Sendable {
    public struct MismatchError: Error, CustomStringConvertible {
        public let ports: Int
        public let names: Int
        public var description: String { "DemoFarm needs one name per port (got \(ports) ports, \(names) names)" }
    }

    public let servers: [WhoamiServer]

    private init(servers: [WhoamiServer]) {
        self.servers = servers
    }

    /// Starts every server or none: on a failure the ones already started are stopped again.
    public static func start(ports: [Int], names: [String]) async throws -> DemoFarm {
        guard ports.count == names.count else { throw MismatchError(ports: ports.count, names: names.count) }
        var started: [WhoamiServer] = []
        do {
            for (port, name) in zip(ports, names) {
                let server = WhoamiServer(name: name)
                try await server.start(port: port)
                started.append(server)
            }
        } catch {
            for server in started { try? await server.stop() }
            throw error
        }
        return DemoFarm(servers: started)
    }

    public func stop() async throws {
        for server in servers { try await server.stop() }
    }
}
