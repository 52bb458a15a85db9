import TraefikCore

/// One `--entryPoints` value (spec §2.5): whitespace-separated `Field:value` pairs, such as
/// `Name:https Address::4442 TLS:cert.pem,key.pem Redirect.EntryPoint:http`.
///
/// Fields: `Name` (required), `Address`, `TLS:<certFile>,<keyFile>`, `Redirect.EntryPoint`,
/// `Redirect.Regex`, `Redirect.Replacement`. The seed ignored whatever did not fit its pattern
/// (fields out of order, a TLS value without a comma); here field names match ignoring case, in any
/// order, and anything malformed is an error instead of being silently dropped.
public struct EntryPointDefinition: Equatable, Sendable {
    public struct Certificate: Equatable, Sendable {
        public var certFile: String
        public var keyFile: String
    }

    public var name: String
    public var address: String?
    public var certificate: Certificate?
    public var redirectEntryPoint: String?
    public var redirectRegex: String?
    public var redirectReplacement: String?

    /// The fields in the order the seed documents them.
    public static let fieldNames = ["Name", "Address", "TLS", "Redirect.EntryPoint", "Redirect.Regex",
                                    "Redirect.Replacement"]

    public static func parse(_ text: String) throws(FlagError) -> EntryPointDefinition {
        var values: [String: String] = [:]
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            guard let colon = token.firstIndex(of: ":") else {
                throw FlagError("expected Field:value, found \(String(token).debugDescription)")
            }
            let spelled = String(token[..<colon])
            let value = String(token[token.index(after: colon)...])
            guard let field = fieldNames.first(where: { $0.lowercased() == spelled.lowercased() }) else {
                throw FlagError("unknown field \(spelled.debugDescription)"
                                + LaunchFlags.hint(Suggestions.nearest(to: spelled, among: fieldNames))
                                + "; fields are " + fieldNames.joined(separator: ", "))
            }
            guard values[field] == nil else { throw FlagError("field \(field) given twice") }
            values[field] = value
        }
        guard let name = values["Name"] else { throw FlagError("missing Name:<entry point name>") }
        guard !name.isEmpty else { throw FlagError("empty Name") }
        var definition = EntryPointDefinition(name: name)
        if let address = values["Address"] {
            do {
                _ = try ListenAddress.parse(address)
            } catch {
                throw FlagError("Address: \(error.description)")
            }
            definition.address = address
        }
        if let tls = values["TLS"] {
            let files = tls.split(separator: ",", omittingEmptySubsequences: false)
            guard files.count == 2, !files[0].isEmpty, !files[1].isEmpty else {
                throw FlagError("TLS must be <certFile>,<keyFile>, found \(tls.debugDescription)")
            }
            definition.certificate = Certificate(certFile: String(files[0]), keyFile: String(files[1]))
        }
        definition.redirectEntryPoint = try nonEmpty(values["Redirect.EntryPoint"], field: "Redirect.EntryPoint")
        definition.redirectRegex = try nonEmpty(values["Redirect.Regex"], field: "Redirect.Regex")
        definition.redirectReplacement = try nonEmpty(values["Redirect.Replacement"], field: "Redirect.Replacement")
        return definition
    }

    public init(name: String, address: String? = nil, certificate: Certificate? = nil,
                redirectEntryPoint: String? = nil, redirectRegex: String? = nil, redirectReplacement: String? = nil) {
        self.name = name
        self.address = address
        self.certificate = certificate
        self.redirectEntryPoint = redirectEntryPoint
        self.redirectRegex = redirectRegex
        self.redirectReplacement = redirectReplacement
    }

    /// The entry point's table, keyed as in the configuration file:
    /// `{address, tls = {certificates = [{certFile, keyFile}]}, redirect = {entryPoint, regex, replacement}}`.
    public var node: ConfigNode {
        var entries: [ConfigNode.Entry] = []
        func string(_ text: String) -> ConfigNode { ConfigNode(.string(text)) }
        if let address { entries.append(.init(key: "address", node: string(address))) }
        if let certificate {
            let pair = ConfigNode(.table([.init(key: "certFile", node: string(certificate.certFile)),
                                          .init(key: "keyFile", node: string(certificate.keyFile))]))
            let tls = ConfigNode(.table([.init(key: "certificates", node: ConfigNode(.array([pair])))]))
            entries.append(.init(key: "tls", node: tls))
        }
        var redirect: [ConfigNode.Entry] = []
        if let redirectEntryPoint { redirect.append(.init(key: "entryPoint", node: string(redirectEntryPoint))) }
        if let redirectRegex { redirect.append(.init(key: "regex", node: string(redirectRegex))) }
        if let redirectReplacement { redirect.append(.init(key: "replacement", node: string(redirectReplacement))) }
        if !redirect.isEmpty { entries.append(.init(key: "redirect", node: ConfigNode(.table(redirect)))) }
        return ConfigNode(.table(entries))
    }

    private static func nonEmpty(_ value: String?, field: String) throws(FlagError) -> String? {
        guard let value else { return nil }
        guard !value.isEmpty else { throw FlagError("empty \(field)") }
        return value
    }
}
