// swift-tools-version:6.0
// Micro-benchmarks of the per-request work: ns and heap allocations per operation. A separate package so that
// `swift test` in the project never builds it; `make bench-micro` runs it. ProxyServer itself is not built: its
// NIO-free HTTP/1 folder and the few data-path files that need only NIOCore (the head rewriters, the access log,
// the runtime tables) are compiled in here through symlinks. (ordo-one/benchmark crashes on Swift 6.3 without its
// runtime interposer, which is not available here, so allocations are counted by a tiny malloc wrapper linked into
// the benchmark executable.)
import PackageDescription

let package = Package(
    name: "swift-traefik-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2")
    ],
    targets: [
        // The project's TraefikCore sources, through a symlink (Sources/TraefikCore → ../../Sources/TraefikCore).
        .target(name: "TraefikCore"),
        // Part of ProxyServer, through symlinks in Sources/ForwardingWire into ../../../Sources/ProxyServer: the
        // HTTP1 folder (the head scanners), Forwarding/HeadRewriter.swift, Forwarding/AccessLog.swift and
        // Runtime/ProxyRuntime.swift (UpstreamTarget, BackendRuntime, EntryPointRoutes). One module, because the
        // rewriters use the scanners' internal types. Its API is internal: built for testing so that the
        // benchmarks can `@testable import` it in release.
        .target(
            name: "ForwardingWire",
            dependencies: [
                "TraefikCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-enable-testing"])]),
        .target(name: "MallocCounter"),
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                "TraefikCore", "ForwardingWire", "MallocCounter", .product(name: "NIOCore", package: "swift-nio"),
            ],
            linkerSettings: [.linkedLibrary("m")]),
    ]
)
