import Testing
import TraefikCore


@Suite("Merging the providers' configurations")
struct ConfigurationMergeTests {
    private func backend(_ url: String) -> Backend {
        Backend(servers: ["s": Server(url: url)])
    }

    private func frontend(_ backend: String, host: String = "example.org") -> Frontend {
        Frontend(backend: backend, routes: ["r": Route(rule: "Host", value: host)])
    }

    private func snapshot(
        frontends: [String: Frontend] = [:],
        backends: [String: Backend] = [:],
        locations: [String: SourcePosition] = [:]
    ) -> ProviderSnapshot {
        ProviderSnapshot(configuration: DynamicConfiguration(backends: backends, frontends: frontends), locations: locations)
    }

    @Test("Provider names are the /api keys, in the fixed merge order of D23")
    func providerNames() {
        #expect(ProviderName.allCases.map(\.rawValue) == [
            "file", "web", "docker", "marathon", "consul", "etcd", "zk", "boltdb", "consul_catalog",
        ])
        #expect(ProviderName.allCases.reversed().sorted() == ProviderName.allCases)
        #expect(ProviderName.file < .web && .boltdb < .consulCatalog && !(.zookeeper < .etcd))
        #expect(ProviderName(rawValue: "zk") == .zookeeper)
        #expect(ProviderName(rawValue: "zookeeper") == nil)
    }

    @Test("H4: distinct names of several providers are united")
    func union() {
        let merged = ConfigurationMerge.merge([
            .file: snapshot(frontends: ["f1": frontend("b1")], backends: ["b1": backend("http://127.0.0.1:1")]),
            .docker: snapshot(frontends: ["f2": frontend("b2")], backends: ["b2": backend("http://127.0.0.1:2")]),
            .consulCatalog: snapshot(backends: ["b3": backend("http://127.0.0.1:3")]),
        ])
        #expect(merged.configuration == DynamicConfiguration(
            backends: [
                "b1": backend("http://127.0.0.1:1"),
                "b2": backend("http://127.0.0.1:2"),
                "b3": backend("http://127.0.0.1:3"),
            ],
            frontends: ["f1": frontend("b1"), "f2": frontend("b2")]
        ))
        #expect(merged.origins == [
            "frontends.f1": .file, "backends.b1": .file,
            "frontends.f2": .docker, "backends.b2": .docker,
            "backends.b3": .consulCatalog,
        ])
        #expect(merged.diagnostics.isEmpty)
    }

    @Test("No snapshots merge to an empty configuration")
    func empty() {
        #expect(ConfigurationMerge.merge([:]) == MergedConfiguration())
    }

    @Test("H5/D23: on a frontend name clash the first provider in order keeps the name")
    func frontendClash() {
        let location = SourcePosition(file: "labels", line: 3, column: 1)
        let merged = ConfigurationMerge.merge([
            .docker: snapshot(frontends: ["f1": frontend("b", host: "docker.example")], locations: ["frontends.f1": location]),
            .file: snapshot(frontends: ["f1": frontend("b", host: "file.example")]),
        ])
        #expect(merged.configuration.frontends == ["f1": frontend("b", host: "file.example")])
        #expect(merged.origins == ["frontends.f1": .file])
        #expect(merged.diagnostics == [
            ConfigDiagnostic(
                keyPath: "frontends.f1",
                message: "defined by file too; the file definition is used (D23)",
                provider: .docker,
                location: location
            ),
        ])
    }

    @Test("H5/D23: on a backend name clash every losing provider is reported, in provider order")
    func backendClash() {
        let merged = ConfigurationMerge.merge([
            .consulCatalog: snapshot(backends: ["b": backend("http://127.0.0.1:9")]),
            .etcd: snapshot(backends: ["b": backend("http://127.0.0.1:6")]),
            .marathon: snapshot(backends: ["b": backend("http://127.0.0.1:4")]),
        ])
        #expect(merged.configuration.backends == ["b": backend("http://127.0.0.1:4")])
        #expect(merged.origins == ["backends.b": .marathon])
        #expect(merged.diagnostics.map(\.description) == [
            "etcd: backends.b: defined by marathon too; the marathon definition is used (D23)",
            "consul_catalog: backends.b: defined by marathon too; the marathon definition is used (D23)",
        ])
    }

    @Test("A frontend may use a backend another provider defines (one global name space)")
    func crossProviderBackend() throws {
        let merged = ConfigurationMerge.merge([
            .file: snapshot(backends: ["shared": backend("http://127.0.0.1:8081")]),
            .web: snapshot(frontends: ["from-web": frontend("shared")]),
        ])
        let compiled = CompiledConfiguration.compile(
            merged.configuration,
            entryPointNames: ["http"],
            defaultEntryPoints: ["http"]
        )
        #expect(compiled.diagnostics.isEmpty)
        let compiledFrontend = try #require(compiled.frontends.first)
        #expect(compiledFrontend.name == "from-web")
        #expect(compiledFrontend.backendName == "shared")
        #expect(compiled.backends["shared"] != nil)
        #expect(merged.origins["frontends.from-web"] == .web)
        #expect(merged.origins["backends.shared"] == .file)
    }

    @Test("The result does not depend on the order the dictionaries were built in")
    func deterministic() {
        let names = (0..<40).map { "name\($0)" }
        func snapshots(reversed: Bool) -> [ProviderName: ProviderSnapshot] {
            var result: [ProviderName: ProviderSnapshot] = [:]
            let providers = reversed ? ProviderName.allCases.reversed() : ProviderName.allCases
            for (rank, provider) in providers.enumerated() {
                var configuration = DynamicConfiguration()
                // Every provider defines every name: each name clashes eight times.
                for name in reversed ? names.reversed() : names {
                    configuration.frontends[name] = frontend("b-\(name)", host: "\(provider.rawValue).\(rank)")
                    configuration.backends["b-\(name)"] = backend("http://127.0.0.1:\(rank + 1)")
                }
                result[provider] = ProviderSnapshot(configuration: configuration)
            }
            return result
        }
        let forward = ConfigurationMerge.merge(snapshots(reversed: false))
        let backward = ConfigurationMerge.merge(snapshots(reversed: true))

        #expect(forward.origins == backward.origins)
        #expect(Set(forward.origins.values) == [.file])
        #expect(forward.configuration.frontends["name7"] == frontend("b-name7", host: "file.0"))
        // The snapshots' contents differ only by the losers' definitions, so the diagnostics must match.
        #expect(forward.diagnostics == backward.diagnostics)
        #expect(forward.diagnostics.count == 2 * names.count * (ProviderName.allCases.count - 1))
        let keyPaths = forward.diagnostics.map(\.keyPath)
        #expect(keyPaths == keyPaths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        let firstName = forward.diagnostics.prefix(ProviderName.allCases.count - 1)
        #expect(firstName.map(\.provider) == ProviderName.allCases.dropFirst().map(Optional.some))
    }

    @Test("Compile diagnostics get the owning provider and the most specific recorded location")
    func attribution() {
        let frontendLocation = SourcePosition(file: "rules.toml", line: 10, column: 1)
        let routeLocation = SourcePosition(file: "rules.toml", line: 12, column: 5)
        let snapshots: [ProviderName: ProviderSnapshot] = [
            .file: snapshot(
                frontends: [
                    "f1": Frontend(backend: "missing", routes: ["r": Route(rule: "Bogus", value: "x")]),
                ],
                locations: [
                    "frontends": SourcePosition(file: "rules.toml", line: 9, column: 1),
                    "frontends.f1": frontendLocation,
                    "frontends.f1.routes.r": routeLocation,
                    "frontends.f1.routes.r.rule": SourcePosition(file: "rules.toml", line: 13, column: 5),
                ]
            ),
            .docker: snapshot(
                frontends: ["f10": Frontend(backend: "b", entryPoints: ["nope"])],
                backends: ["b": backend("http://127.0.0.1:1")]
            ),
        ]
        let merged = ConfigurationMerge.merge(snapshots)
        let compiled = CompiledConfiguration.compile(
            merged.configuration,
            entryPointNames: ["http"],
            defaultEntryPoints: ["http", "https"]
        )
        let attributed = merged.attributed(compiled.diagnostics, snapshots: snapshots)

        #expect(attributed.map(\.keyPath) == compiled.diagnostics.map(\.keyPath))
        #expect(attributed.map(\.message) == compiled.diagnostics.map(\.message))
        let byKeyPath = Dictionary(attributed.map { ($0.keyPath, $0) }, uniquingKeysWith: { first, _ in first })
        // Only the frontend itself was recorded for its backend key: fall back to it.
        #expect(byKeyPath["frontends.f1.backend"]?.provider == .file)
        #expect(byKeyPath["frontends.f1.backend"]?.location == frontendLocation)
        // The route itself was recorded: prefer it over the frontend.
        #expect(byKeyPath["frontends.f1.routes.r"]?.location == routeLocation)
        #expect(byKeyPath["frontends.f1.routes.r"]?.description.hasPrefix(
            "file rules.toml:12:5: frontends.f1.routes.r: frontend disabled: "
        ) == true)
        // "frontends.f1" is no prefix of "frontends.f10": docker owns it and recorded no location.
        #expect(byKeyPath["frontends.f10.entryPoints"]?.provider == .docker)
        #expect(byKeyPath["frontends.f10.entryPoints"]?.location == nil)
        #expect(byKeyPath["frontends.f10.entryPoints"]?.description
            == "docker: frontends.f10.entryPoints: frontend disabled: undefined entry point \"nope\"")
        // Outside every frontend and backend: unchanged.
        #expect(byKeyPath["defaultEntryPoints"] == compiled.diagnostics.first { $0.keyPath == "defaultEntryPoints" })
        #expect(byKeyPath["defaultEntryPoints"]?.provider == nil)
    }

    @Test("Attribution keeps a provider or location already set")
    func attributionKeepsKnownFields() {
        let known = SourcePosition(file: "other.toml", line: 1, column: 2)
        let merged = MergedConfiguration(origins: ["backends.b": .file])
        let snapshots: [ProviderName: ProviderSnapshot] = [
            .file: snapshot(locations: ["backends.b": SourcePosition(file: "rules.toml", line: 4, column: 1)]),
        ]
        let diagnostics = [
            ConfigDiagnostic(keyPath: "backends.b.servers.s.url", message: "m", location: known),
            ConfigDiagnostic(keyPath: "backends.b.loadBalancer.method", message: "m", provider: .web),
        ]
        let attributed = merged.attributed(diagnostics, snapshots: snapshots)
        #expect(attributed[0].provider == .file)
        #expect(attributed[0].location == known)
        #expect(attributed[1].provider == .web)
        #expect(attributed[1].location == nil)
    }

    @Test("A diagnostic prints provider and location only when known")
    func diagnosticDescription() {
        let location = SourcePosition(file: "rules.toml", line: 12, column: 5)
        #expect(ConfigDiagnostic(keyPath: "k", message: "m").description == "k: m")
        #expect(ConfigDiagnostic(keyPath: "k", message: "m", provider: .consulCatalog).description == "consul_catalog: k: m")
        #expect(ConfigDiagnostic(keyPath: "k", message: "m", location: location).description == "rules.toml:12:5: k: m")
        #expect(ConfigDiagnostic(keyPath: "k", message: "m", provider: .file, location: location).description
            == "file rules.toml:12:5: k: m")
    }

    @Test("H3: snapshot equality ignores source locations (a re-saved file does not reload)")
    func snapshotEqualityIgnoresLocations() {
        let configuration = DynamicConfiguration(frontends: ["f1": frontend("b")])
        let before = ProviderSnapshot(
            configuration: configuration,
            locations: ["frontends.f1": SourcePosition(file: "rules.toml", line: 3, column: 1)]
        )
        let resaved = ProviderSnapshot(
            configuration: configuration,
            locations: ["frontends.f1": SourcePosition(file: "rules.toml", line: 4, column: 1)]
        )
        #expect(before == resaved)
        #expect(before == ProviderSnapshot(configuration: configuration))
        #expect(before != ProviderSnapshot(configuration: DynamicConfiguration(frontends: ["f1": frontend("other")])))
    }
}
