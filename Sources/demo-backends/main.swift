import FakeFarm

// The demo's whoami backends for `make run`: `demo-backends [port ...]` (default 8081 8082), until killed.
let requested = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let ports = requested.isEmpty ? [8081, 8082] : requested
let farm = try await DemoFarm.start(ports: ports, names: ports.indices.map { "whoami\($0 + 1)" })
print("whoami backends listening on 127.0.0.1:\(ports.map(String.init).joined(separator: ", 127.0.0.1:"))")
while true { try await Task.sleep(for: .seconds(3600)) }
