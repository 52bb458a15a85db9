// swift-tools-version:6.0
// libFuzzer targets for the code that reads untrusted or hand-written input: the HTTP/1.1 head and chunked-body
// scanners, route rules, circuit-breaker expressions, the four configuration formats, Go templates and bolt files.
// A separate package (sources symlinked from ../Sources) so that `swift test` in the project never builds it;
// `make fuzz` builds it with `-sanitize=fuzzer,address` and runs every target (README "Security").
import PackageDescription

let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

/// One executable per fuzz target; libFuzzer supplies `main` and calls the target's `LLVMFuzzerTestOneInput`.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies, swiftSettings: swiftSettings)
}

let package = Package(
    name: "swift-traefik-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Symlinks: Sources/TraefikCore → ../../Sources/TraefikCore, and so on.
        .target(name: "TraefikCore", swiftSettings: swiftSettings),
        // ProxyServer's HTTP/1 wire scanners (they import nothing), without the NIO rest of ProxyServer.
        .target(name: "HTTP1Wire", swiftSettings: swiftSettings),
        .target(
            name: "ConfigFormats",
            dependencies: [
                "TraefikCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "GoTemplate", swiftSettings: swiftSettings),
        // KVStores' bolt file reader and the KV contract, without the network stores.
        .target(name: "BoltDBReader", path: "Sources/BoltDBReader", exclude: ["Consul", "Etcd", "ZooKeeper"], sources: ["Contract", "BoltDB"],
            swiftSettings: swiftSettings),

        fuzzTarget("FuzzRequestHead", ["HTTP1Wire"]),
        fuzzTarget("FuzzRule", ["TraefikCore"]),
        fuzzTarget("FuzzBreakerExpression", ["TraefikCore"]),
        fuzzTarget("FuzzConfig", ["ConfigFormats", "TraefikCore"]),
        fuzzTarget("FuzzGoTemplate", ["GoTemplate"]),
        fuzzTarget("FuzzBoltDB", ["BoltDBReader"]),
    ]
)
