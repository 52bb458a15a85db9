import FakeFarm

/// Shared set-up for the FakeFarm tests (a namespace, so helper names cannot clash in the integration module).
enum FarmFixture {
    /// Runs `body` against a started whoami server and always stops it.
    @discardableResult
    static func withWhoami<T>(
        name: String = "farm-test",
        _ body: (WhoamiServer) async throws -> T
    ) async throws -> T {
        let server = WhoamiServer(name: name)
        try await server.start()
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// What `?size=N` must produce: byte i is i % 251.
    static func pattern(count: Int) -> [UInt8] {
        (0..<count).map { UInt8($0 % 251) }
    }
}
