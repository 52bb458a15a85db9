import FakeFarm
import Testing

@Suite("FakeFarm test support")
struct TestSupportTests {
    @Test func fnv1aMatchesPublishedVectors() {
        #expect(FNV1a64.hex(of: [UInt8]()) == "cbf29ce484222325")
        #expect(FNV1a64.hex(of: Array("a".utf8)) == "af63dc4c8601ec8c")
        #expect(FNV1a64.hex(of: Array("foobar".utf8)) == "85944171f73967e8")
        var incremental = FNV1a64()
        incremental.update(Array("foo".utf8))
        incremental.update(Array("bar".utf8))
        #expect(incremental.hex == "85944171f73967e8")
    }

    @Test func freePortCanBeBoundAndClosedPortRefusesConnections() async throws {
        let port = try PortAllocator.freePort()
        #expect((1...65_535).contains(port))
        let server = WhoamiServer(name: "on-free-port")
        try await server.start(port: port)
        #expect(server.port == port)
        #expect(try await HTTPTestClient.request(port: port).status == 200)
        try await server.stop()

        let closed = try PortAllocator.closedPort()
        await #expect(throws: (any Error).self) {
            _ = try await HTTPTestClient.connect(port: closed)
        }
    }

    @Test func eventuallyReturnsOnceTheConditionHolds() async throws {
        var polls = 0
        try await eventually("three polls") {
            polls += 1
            return polls >= 3
        }
        #expect(polls == 3)
    }

    @Test func eventuallyNamesWhatItWaitedFor() async throws {
        let error = await #expect(throws: EventuallyTimedOut.self) {
            try await eventually(timeout: .milliseconds(100), "the impossible") { false }
        }
        #expect(error?.description.contains("the impossible") == true)
    }

    @Test func demoFarmStartsNamedServersAndStopsThem() async throws {
        let ports = [try PortAllocator.freePort(), try PortAllocator.freePort()]
        let farm = try await DemoFarm.start(ports: ports, names: ["alpha", "beta"])
        #expect(try await HTTPTestClient.request(port: ports[0]).whoami().name == "alpha")
        #expect(try await HTTPTestClient.request(port: ports[1]).whoami().name == "beta")
        try await farm.stop()
        await #expect(throws: (any Error).self) {
            _ = try await HTTPTestClient.connect(port: ports[0])
        }
        await #expect(throws: DemoFarm.MismatchError.self) {
            _ = try await DemoFarm.start(ports: [1], names: [])
        }
    }
}
