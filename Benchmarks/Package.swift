// swift-tools-version:6.0
// Micro-benchmarks of the per-request pure logic: ns and heap allocations per operation. A separate package so
// that `swift test` in the project never builds it; `make bench-micro` runs it. (ordo-one/benchmark crashes on
// Swift 6.3 without its runtime interposer, which is not available here, so allocations are counted by a tiny
// malloc wrapper linked into the benchmark executable.)
import PackageDescription

let package = Package(
    name: "swift-traefik-benchmarks",
    platforms: [.macOS(.v14)],
    targets: [
        // The project's TraefikCore sources, through a symlink (Sources/TraefikCore → ../../Sources/TraefikCore).
        .target(name: "TraefikCore"),
        // ProxyServer's HTTP/1 wire scanners (they import nothing), without the NIO rest of ProxyServer, through a
        // symlink (Sources/HTTP1Wire → ../../Sources/ProxyServer/HTTP1). Its API is internal: built for testing so
        // that the benchmarks can `@testable import` it in release.
        .target(name: "HTTP1Wire", swiftSettings: [.unsafeFlags(["-enable-testing"])]),
        .target(name: "MallocCounter"),
        .executableTarget(
            name: "CoreBenchmarks", dependencies: ["TraefikCore", "HTTP1Wire", "MallocCounter"],
            linkerSettings: [.linkedLibrary("m")]),
    ]
)
