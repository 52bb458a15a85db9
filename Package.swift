// swift-tools-version:6.0
import PackageDescription

// Strict concurrency and Swift 6 mode for every target; see README "Development".
let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

/// `make release` stamps the version, git commit and build date into the binary (`traefik version`) through these
/// environment variables; a plain `swift build` leaves them empty.
let buildStamp: [CSetting] = ["TRAEFIK_BUILD_VERSION", "TRAEFIK_BUILD_COMMIT", "TRAEFIK_BUILD_DATE"].compactMap { name in
    guard let value = Context.environment[name], !value.isEmpty else { return nil }
    return .define(name, to: "\"" + value.filter { $0 != "\"" && $0 != "\\" } + "\"")
}

let package = Package(
    name: "swift-traefik",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "traefik", targets: ["traefik"]),
        .executable(name: "loadgen", targets: ["loadgen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // Pure logic: configuration model, rules, balancers. Imports no NIO.
        .target(name: "TraefikCore", swiftSettings: swiftSettings),
        // TOML (our own parser), JSON, YAML, HCL and flags → one neutral tree → case-insensitive decoding.
        .target(
            name: "ConfigFormats",
            dependencies: [
                "TraefikCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Go text/template (the subset provider templates use, decision D22). Pure Swift.
        .target(name: "GoTemplate", swiftSettings: swiftSettings),
        // A small HTTP/1.1 client for providers (etcd, Consul, Docker, Marathon): TCP, unix sockets, TLS.
        .target(
            name: "ProviderHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Key/value stores behind one protocol: etcd, Consul, ZooKeeper (native client), BoltDB (file reader).
        .target(
            name: "KVStores",
            dependencies: [
                "ProviderHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Providers",
            dependencies: ["TraefikCore", "ConfigFormats", "KVStores", "GoTemplate", "ProviderHTTP"],
            swiftSettings: swiftSettings
        ),
        // The data path: entry points, routing, forwarding, upstream pools. Never imports Providers.
        .target(
            name: "ProxyServer",
            dependencies: [
                "TraefikCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web provider's listener: REST API, /health, /metrics, the dashboard. Control plane only.
        .target(
            name: "AdminAPI",
            dependencies: [
                "TraefikCore", "ConfigFormats",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TraefikApp",
            dependencies: [
                "TraefikCore", "ConfigFormats", "Providers", "ProxyServer", "AdminAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "BuildStamp", cSettings: buildStamp),
        .executableTarget(
            name: "traefik",
            dependencies: [
                "TraefikApp", "TraefikCore", "ConfigFormats", "BuildStamp",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // loadgen's engine: ab-compatible HTTP/1 load generation on NIO (issue 9).
        .target(
            name: "LoadGen",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "loadgen",
            dependencies: [
                "LoadGen",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // `make run`'s demo backends: whoami servers from the fake farm.
        .executableTarget(name: "demo-backends", dependencies: ["FakeFarm"], swiftSettings: swiftSettings),
        // Test support and `make run`'s demo backends: whoami servers, ports, `eventually`.
        .target(
            name: "FakeFarm",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UnitTests",
            dependencies: [
                "TraefikCore", "ConfigFormats", "ProxyServer", "Providers", "AdminAPI", "LoadGen", "GoTemplate", "KVStores",
                "ProviderHTTP",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            path: "Tests/Unit",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "TraefikApp", "ProxyServer", "TraefikCore", "ConfigFormats", "FakeFarm", "KVStores", "ProviderHTTP",
                "Providers",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/Integration",
            swiftSettings: swiftSettings
        ),
    ]
)
