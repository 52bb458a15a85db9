import Testing
@testable import ConfigFormats

@Suite struct EntryPointDefinitionTests {
    @Test func theSeedExamples() throws {
        let http = try EntryPointDefinition.parse("Name:http Address::8000 Redirect.EntryPoint:https")
        #expect(http == EntryPointDefinition(name: "http", address: ":8000", redirectEntryPoint: "https"))
        let https = try EntryPointDefinition.parse("Name:https Address::4442 TLS:tests/traefik.crt,tests/traefik.key")
        #expect(https == EntryPointDefinition(
            name: "https", address: ":4442",
            certificate: .init(certFile: "tests/traefik.crt", keyFile: "tests/traefik.key")))
    }

    @Test func everyFieldLandsInTheEntryPointTable() throws {
        let definition = try EntryPointDefinition.parse(
            "Name:web Address:127.0.0.1:8443 TLS:c.pem,k.pem Redirect.EntryPoint:other "
            + "Redirect.Regex:^http://localhost/(.*) Redirect.Replacement:http://mydomain/$1")
        let table = definition.node
        #expect(table["address"]?.value == .string("127.0.0.1:8443"))
        #expect(nodeAt(table, "tls.certificates")?[0]?["certFile"]?.value == .string("c.pem"))
        #expect(nodeAt(table, "tls.certificates")?[0]?["keyFile"]?.value == .string("k.pem"))
        #expect(nodeAt(table, "redirect.entryPoint")?.value == .string("other"))
        #expect(nodeAt(table, "redirect.regex")?.value == .string("^http://localhost/(.*)"))
        #expect(nodeAt(table, "redirect.replacement")?.value == .string("http://mydomain/$1"))
    }

    @Test func onlyTheNameIsRequired() throws {
        let definition = try EntryPointDefinition.parse("Name:plain")
        #expect(definition == EntryPointDefinition(name: "plain"))
        #expect(definition.node == .emptyTable)
    }

    @Test func fieldsMatchIgnoringCaseInAnyOrderAndExtraBlanks() throws {
        let definition = try EntryPointDefinition.parse("  address::81\tname:x   redirect.entrypoint:y ")
        #expect(definition == EntryPointDefinition(name: "x", address: ":81", redirectEntryPoint: "y"))
    }

    @Test func decodesIntoTheStaticConfigurationModel() throws {
        let parsed = try LaunchFlags.parse(["--entryPoints=Name:https Address::4442 TLS:a.crt,a.key Redirect.EntryPoint:http"])
        var decoder = ConfigDecoder()
        let configuration = try decoder.decode(LaunchModel.self, from: parsed.overlay)
        let entryPoint = try #require(configuration.entryPoints?["https"])
        #expect(entryPoint.address == ":4442")
        #expect(entryPoint.tls?.certificates == [LaunchModel.Certificate(certFile: "a.crt", keyFile: "a.key")])
        #expect(entryPoint.redirect?.entryPoint == "http")
        #expect(decoder.unusedKeyPaths.isEmpty)
    }

    @Test(arguments: [
        ("Address::80", "missing Name:<entry point name>"),
        ("Name:", "empty Name"),
        ("Name:x Adress::80", "unknown field \"Adress\" (did you mean Address?); fields are Name, Address, TLS, "
            + "Redirect.EntryPoint, Redirect.Regex, Redirect.Replacement"),
        ("Name:x :80", "unknown field \"\"; fields are Name, Address, TLS, Redirect.EntryPoint, "
            + "Redirect.Regex, Redirect.Replacement"),
        ("Name:x http", "expected Field:value, found \"http\""),
        ("Name:x Name:y", "field Name given twice"),
        ("Name:x TLS:only-cert", "TLS must be <certFile>,<keyFile>, found \"only-cert\""),
        ("Name:x TLS:a,b,c", "TLS must be <certFile>,<keyFile>, found \"a,b,c\""),
        ("Name:x TLS:,key", "TLS must be <certFile>,<keyFile>, found \",key\""),
        ("Name:x Redirect.EntryPoint:", "empty Redirect.EntryPoint"),
        ("Name:x Address:80", "Address: invalid value \"80\": missing port (expected host:port or :port)"),
    ])
    func malformedDefinitionsAreErrors(text: String, message: String) {
        #expect(throws: FlagError(message)) { try EntryPointDefinition.parse(text) }
    }

    @Test func aFlagErrorNamesTheFlagAndTheValue() {
        #expect(throws: FlagError("invalid argument \"Name:x TLS:a\" for \"--entryPoints\" flag: "
                                  + "TLS must be <certFile>,<keyFile>, found \"a\"")) {
            try LaunchFlags.parse(["--entryPoints", "Name:x TLS:a"])
        }
    }
}
