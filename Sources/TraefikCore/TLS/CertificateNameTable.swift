/// Which of an entry point's certificates answers a TLS ClientHello (spec §3.2, as Go's crypto/tls):
/// every certificate is known by its common name and DNS subject alternative names, a later certificate
/// wins a shared name, and the SNI name is tried exactly, then with its first label replaced by `*`.
/// No SNI, or a name nobody claims, gets the first certificate.
public struct CertificateNameTable: Sendable, Equatable {
    private var indexByName: [String: Int] = [:]

    /// - Parameter namesPerCertificate: for each certificate in configuration order, its names.
    public init(namesPerCertificate: [[String]]) {
        for (index, names) in namesPerCertificate.enumerated() {
            for name in names {
                let normalized = Self.normalize(name)
                if !normalized.isEmpty { indexByName[normalized] = index }
            }
        }
    }

    /// The index of the certificate to present for `serverName` (0, the default, when nothing matches).
    public func certificateIndex(forServerName serverName: String?) -> Int {
        guard let serverName else { return 0 }
        let name = Self.normalize(serverName)
        if let exact = indexByName[name] { return exact }
        if let dot = name.firstIndex(of: "."), let wildcard = indexByName["*" + name[dot...]] { return wildcard }
        return 0
    }

    /// Lowercased, without a trailing dot (`Example.COM.` → `example.com`).
    static func normalize(_ name: String) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }
}
