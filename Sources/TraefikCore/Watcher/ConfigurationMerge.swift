/// Unites the providers' configurations (spec §13.3 with decision D23).
public enum ConfigurationMerge {
    /// Unites every provider's frontends and backends. Names are global across providers, so a
    /// frontend may use a backend another provider defines. When two providers define the same
    /// name, the one first in `ProviderName` order keeps it and the other definition is reported.
    /// The result does not depend on dictionary iteration order.
    public static func merge(_ snapshots: [ProviderName: ProviderSnapshot]) -> MergedConfiguration {
        var merged = MergedConfiguration()
        for provider in ProviderName.allCases {
            guard let snapshot = snapshots[provider] else { continue }
            merged.diagnostics += snapshot.diagnostics.map { diagnostic in
                var attributed = diagnostic
                attributed.provider = provider
                return attributed
            }
            for (name, frontend) in snapshot.configuration.frontends
            where claim("frontends.\(name)", for: provider, locations: snapshot.locations, in: &merged) {
                merged.configuration.frontends[name] = frontend
            }
            for (name, backend) in snapshot.configuration.backends
            where claim("backends.\(name)", for: provider, locations: snapshot.locations, in: &merged) {
                merged.configuration.backends[name] = backend
            }
        }
        // Clashes were found in provider order; the stable sort keeps that order per key path.
        merged.diagnostics.sort { precedesInByteOrder($0.keyPath, $1.keyPath) }
        return merged
    }

    /// Records `provider` as the owner of `keyPath` unless an earlier provider already is; then
    /// reports the clash and returns false.
    private static func claim(
        _ keyPath: String,
        for provider: ProviderName,
        locations: [String: SourcePosition],
        in merged: inout MergedConfiguration
    ) -> Bool {
        guard let owner = merged.origins[keyPath] else {
            merged.origins[keyPath] = provider
            return true
        }
        merged.diagnostics.append(ConfigDiagnostic(
            keyPath: keyPath,
            message: "defined by \(owner.rawValue) too; the \(owner.rawValue) definition is used (D23)",
            provider: provider,
            location: longestPrefixMatch(of: keyPath, in: locations)
        ))
        return false
    }
}

/// The union of every provider's configuration, as `ConfigurationMerge.merge` builds it.
public struct MergedConfiguration: Sendable, Equatable {
    public var configuration: DynamicConfiguration
    /// `frontends.<name>` / `backends.<name>` → the provider whose definition is used.
    public var origins: [String: ProviderName]
    /// Name clashes between providers (one per losing definition) and what providers left out, in key-path order.
    public var diagnostics: [ConfigDiagnostic]

    public init(
        configuration: DynamicConfiguration = DynamicConfiguration(),
        origins: [String: ProviderName] = [:],
        diagnostics: [ConfigDiagnostic] = []
    ) {
        self.configuration = configuration
        self.origins = origins
        self.diagnostics = diagnostics
    }

    /// `diagnostics` (from compiling `configuration`) with the provider owning each one's
    /// `frontends.<name>` / `backends.<name>` and the most specific location that provider
    /// recorded: the longest key-path prefix found in its `locations`. Fields already set, and
    /// diagnostics outside any frontend or backend, are left as they are.
    public func attributed(
        _ diagnostics: [ConfigDiagnostic],
        snapshots: [ProviderName: ProviderSnapshot]
    ) -> [ConfigDiagnostic] {
        diagnostics.map { diagnostic in
            guard let owner = diagnostic.provider ?? longestPrefixMatch(of: diagnostic.keyPath, in: origins) else {
                return diagnostic
            }
            var attributed = diagnostic
            attributed.provider = owner
            if attributed.location == nil, let locations = snapshots[owner]?.locations {
                attributed.location = longestPrefixMatch(of: diagnostic.keyPath, in: locations)
            }
            return attributed
        }
    }
}

/// The entry for `keyPath` itself or, failing that, for its longest prefix ending before a dot.
private func longestPrefixMatch<Value>(of keyPath: String, in table: [String: Value]) -> Value? {
    var prefix = keyPath[...]
    // Each turn drops the last component, so the loop ends after at most one turn per dot.
    while true {
        if let value = table[String(prefix)] { return value }
        guard let dot = prefix.lastIndex(of: ".") else { return nil }
        prefix = prefix[..<dot]
    }
}
