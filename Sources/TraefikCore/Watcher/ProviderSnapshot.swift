/// Where a configuration value was written: the file and the 1-based line and column of its key
/// (or of the element, inside an array).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`; just `file` when there are no lines (a key/value store key is its own "file").
    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }
}

/// One provider's whole dynamic configuration, as it last emitted it.
///
/// Equality compares `configuration` and `diagnostics` and ignores `locations`: a file saved again
/// with a blank line or a comment added moves keys but describes the same configuration, and must
/// not cause a reload.
public struct ProviderSnapshot: Sendable, Equatable {
    public var configuration: DynamicConfiguration
    /// Key path (`frontends.f1`, `frontends.f1.routes.r`, `backends.b.servers.s.url`, …) → where
    /// it was written. Filled by file-based providers; empty for the others.
    public var locations: [String: SourcePosition]
    /// What the provider itself left out and why (a key/value store's bad value disables one frontend or backend).
    public var diagnostics: [ConfigDiagnostic]

    public init(
        configuration: DynamicConfiguration,
        locations: [String: SourcePosition] = [:],
        diagnostics: [ConfigDiagnostic] = []
    ) {
        self.configuration = configuration
        self.locations = locations
        self.diagnostics = diagnostics
    }

    public static func == (lhs: ProviderSnapshot, rhs: ProviderSnapshot) -> Bool {
        lhs.configuration == rhs.configuration && lhs.diagnostics == rhs.diagnostics
    }
}
