import Testing
@testable import ConfigFormats

@Suite struct LaunchFlagsTests {
    @Test func theTableHasEverySeedFlagOnce() {
        let names = LaunchFlags.all.map(\.name)
        #expect(Set(names).count == names.count)
        for name in seedFlagNames {
            #expect(names.contains(name), "missing --\(name)")
        }
        #expect(names.contains("web.certFile"))
        let shorthands = Dictionary(uniqueKeysWithValues: LaunchFlags.all.compactMap { flag in
            flag.shorthand.map { ($0, flag.name) }
        })
        #expect(shorthands == ["c": "configFile", "g": "graceTimeOut", "l": "logLevel", "p": "port"])
    }

    /// A valid value for every flag of the table, and what it must put in the overlay.
    @Test func everyFlagLandsInTheOverlayUnderItsKey() throws {
        for flag in LaunchFlags.all {
            let argument: String
            let expected: ConfigNode.Value
            switch flag.kind {
            case .section: (argument, expected) = ("--\(flag.name)", .table([]))
            case .bool: (argument, expected) = ("--\(flag.name)=false", .bool(false))
            case .string: (argument, expected) = ("--\(flag.name)=some-value", .string("some-value"))
            case .address: (argument, expected) = ("--\(flag.name)=127.0.0.1:8181", .string("127.0.0.1:8181"))
            case .int: (argument, expected) = ("--\(flag.name)=7", .int(7))
            case .duration: (argument, expected) = ("--\(flag.name)=1m30s", .string("1m30s"))
            case .list: (argument, expected) = ("--\(flag.name)=a,b", .array([ConfigNode(.string("a")), ConfigNode(.string("b"))]))
            case .entryPoints: (argument, expected) = ("--\(flag.name)=Name:x Address::81",
                                                       .table([.init(key: "address", node: ConfigNode(.string(":81")))]))
            }
            let parsed = try LaunchFlags.parse([argument])
            if flag.name == "configFile" {
                #expect(parsed.configFile == "some-value")
                #expect(parsed.overlay == .emptyTable)
                continue
            }
            let path = flag.kind == .entryPoints ? "entryPoints.x" : try #require(flag.keyPath)
            #expect(nodeAt(parsed.overlay, path)?.value == expected, "\(argument)")
        }
    }

    @Test func valueSyntaxes() throws {
        for arguments in [["--logLevel=DEBUG"], ["--logLevel", "DEBUG"], ["-l", "DEBUG"], ["-lDEBUG"], ["-l=DEBUG"],
                          ["--loglevel", "DEBUG"]] {
            let parsed = try LaunchFlags.parse(arguments)
            #expect(parsed.overlay["logLevel"]?.value == .string("DEBUG"), "\(arguments)")
        }
        #expect(try LaunchFlags.parse(["-c", "a.toml"]).configFile == "a.toml")
        #expect(try LaunchFlags.parse(["-ca.toml"]).configFile == "a.toml")
        #expect(try LaunchFlags.parse(["--configFile=x=y.toml"]).configFile == "x=y.toml")
        // As pflag does, a value-taking flag takes the next argument even when it starts with a dash.
        #expect(try LaunchFlags.parse(["--docker.domain", "-weird"]).overlay["docker"]?["domain"]?.value
                == .string("-weird"))
        #expect(try LaunchFlags.parse(["-g", "10"]).overlay["graceTimeOut"]?.value == .string("10"))
        #expect(try LaunchFlags.parse(["-p", ":8000"]).overlay["port"]?.value == .string(":8000"))
    }

    @Test func webCerFileAndCertFileBothSetWebCertFile() throws {
        for spelling in ["--web.cerFile=a.crt", "--web.certFile=a.crt"] {
            let parsed = try LaunchFlags.parse([spelling])
            guard case .table(let web)? = parsed.overlay["web"]?.value else {
                Issue.record("no web table for \(spelling)")
                continue
            }
            #expect(web.map(\.key) == ["certFile"])
            #expect(web.first?.node.value == .string("a.crt"))
        }
    }

    @Test func bareBooleansAndExplicitValues() throws {
        let parsed = try LaunchFlags.parse(["--web", "--web.readOnly", "--docker.watch=false", "--file.watch=0",
                                            "--docker.tls.insecureSkipVerify=T"])
        #expect(parsed.overlay["web"]?["readOnly"]?.value == .bool(true))
        #expect(parsed.overlay["docker"]?["watch"]?.value == .bool(false))
        #expect(parsed.overlay["file"]?["watch"]?.value == .bool(false))
        #expect(nodeAt(parsed.overlay, "docker.tls.insecureSkipVerify")?.value == .bool(true))
        #expect(throws: FlagError("invalid argument \"maybe\" for \"--web\" flag: expected true or false")) {
            try LaunchFlags.parse(["--web=maybe"])
        }
    }

    @Test func aBareSectionFlagKeepsItsSubFlagsGivenBeforeOrAfter() throws {
        for arguments in [["--docker.endpoint=tcp://127.0.0.1:2375", "--docker"],
                          ["--docker", "--docker.endpoint=tcp://127.0.0.1:2375"]] {
            let parsed = try LaunchFlags.parse(arguments)
            #expect(parsed.overlay["docker"]?["endpoint"]?.value == .string("tcp://127.0.0.1:2375"), "\(arguments)")
        }
        let bare = try LaunchFlags.parse(["--docker"])
        #expect(bare.overlay == ConfigNode(.table([.init(key: "docker", node: .emptyTable)])))
    }

    @Test func aDisabledSectionLeavesTheOverlayAndTheFile() throws {
        let file = try TOMLSource.parse("""
            logLevel = "INFO"
            [docker]
            endpoint = "unix:///file.sock"
            [web]
            address = ":9090"
            """, file: "traefik.toml")
        let parsed = try LaunchFlags.parse(["--docker.endpoint=x", "--docker=false", "--web.readOnly"])
        #expect(parsed.overlay["docker"] == nil)
        #expect(parsed.disabledSections == ["docker"])
        let merged = parsed.applying(to: file)
        #expect(merged["docker"] == nil)
        #expect(merged["web"]?["address"]?.value == .string(":9090"))
        #expect(merged["web"]?["readOnly"]?.value == .bool(true))
        #expect(merged["logLevel"]?.value == .string("INFO"))

        // The last of several flags for one section wins.
        let reenabled = try LaunchFlags.parse(["--docker=false", "--docker"])
        #expect(reenabled.disabledSections.isEmpty)
        #expect(reenabled.applying(to: file)["docker"]?["endpoint"]?.value == .string("unix:///file.sock"))

        let tlsOff = try LaunchFlags.parse(["--docker.tls=false"])
        let withTLS = try TOMLSource.parse("[docker.tls]\nca = \"ca.pem\"\n", file: "t.toml")
        #expect(tlsOff.applying(to: withTLS)["docker"]?["tls"] == nil)
        #expect(tlsOff.applying(to: withTLS)["docker"] != nil)
    }

    @Test func defaultEntryPointsSplitsOnCommasAndRepeatedFlagsAppend() throws {
        let parsed = try LaunchFlags.parse(["--defaultEntryPoints=http,https", "--defaultEntryPoints", "admin"])
        #expect(parsed.overlay["defaultEntryPoints"]?.value == .array(["http", "https", "admin"].map {
            ConfigNode(.string($0))
        }))
    }

    @Test func repeatedEntryPointsBuildTheTableAndTheLastDefinitionOfANameWins() throws {
        let parsed = try LaunchFlags.parse([
            "--entryPoints=Name:http Address::8000 Redirect.EntryPoint:https",
            "--entryPoints", "Name:https Address::4442 TLS:tests/traefik.crt,tests/traefik.key",
            "--entryPoints=Name:http Address::8001",
        ])
        #expect(parsed.replacesEntryPoints)
        guard case .table(let entryPoints)? = parsed.overlay["entryPoints"]?.value else {
            Issue.record("no entryPoints table")
            return
        }
        #expect(entryPoints.map(\.key) == ["https", "http"])
        #expect(nodeAt(parsed.overlay, "entryPoints.http.address")?.value == .string(":8001"))
        #expect(nodeAt(parsed.overlay, "entryPoints.http.redirect") == nil)
        #expect(nodeAt(parsed.overlay, "entryPoints.https.tls.certificates")?[0]?["keyFile"]?.value
                == .string("tests/traefik.key"))
    }

    @Test func subcommandsAndHelp() throws {
        #expect(try LaunchFlags.parse([]) == ParsedFlags())
        #expect(try LaunchFlags.parse(["version"]).subcommand == .version)
        let check = try LaunchFlags.parse(["-c", "x.toml", "check", "--logLevel=DEBUG"])
        #expect(check.subcommand == .check)
        #expect(check.configFile == "x.toml")
        #expect(check.overlay["logLevel"]?.value == .string("DEBUG"))
        for arguments in [["--help"], ["-h"], ["help"], ["help", "version"], ["--web", "--help=true"]] {
            #expect(try LaunchFlags.parse(arguments).showHelp, "\(arguments)")
        }
        #expect(try LaunchFlags.parse(["--help=false"]).showHelp == false)
        #expect(throws: FlagError("unknown command \"verison\" for \"traefik\" (did you mean version?)")) {
            try LaunchFlags.parse(["verison"])
        }
        #expect(throws: FlagError("unexpected argument \"extra\" after \"version\"")) {
            try LaunchFlags.parse(["version", "extra"])
        }
    }

    @Test func doubleDashEndsTheFlags() throws {
        #expect(try LaunchFlags.parse(["--", "version"]).subcommand == .version)
        #expect(throws: FlagError("unknown command \"--web\" for \"traefik\"")) {
            try LaunchFlags.parse(["--", "--web"])
        }
    }

    @Test func unknownFlagsSuggestTheNearestName() {
        #expect(throws: FlagError("unknown flag: --dockr (did you mean --docker?)")) {
            try LaunchFlags.parse(["--dockr"])
        }
        #expect(throws: FlagError("unknown flag: --docker.endpont (did you mean --docker.endpoint?)")) {
            try LaunchFlags.parse(["--docker.endpont=x"])
        }
        #expect(throws: FlagError("unknown flag: --entrypoint (did you mean --entryPoints?)")) {
            try LaunchFlags.parse(["--entrypoint", "Name:x"])
        }
        #expect(throws: FlagError("unknown flag: --nothing-like-it")) {
            try LaunchFlags.parse(["--nothing-like-it"])
        }
        #expect(throws: FlagError("unknown shorthand flag: 'x' in -x")) {
            try LaunchFlags.parse(["-x"])
        }
        #expect(throws: FlagError("unknown shorthand flag: 'l' in -logLevel=DEBUG (did you mean --logLevel?)")) {
            try LaunchFlags.parse(["-logLevel=DEBUG"])
        }
    }

    @Test func missingAndMalformedValues() {
        #expect(throws: FlagError("flag needs an argument: --logLevel")) { try LaunchFlags.parse(["--logLevel"]) }
        #expect(throws: FlagError("flag needs an argument: 'c' in -c")) { try LaunchFlags.parse(["-c"]) }
        #expect(throws: FlagError("invalid argument \"many\" for \"--maxIdleConnsPerHost\" flag: expected an integer")) {
            try LaunchFlags.parse(["--maxIdleConnsPerHost=many"])
        }
        #expect(throws: FlagError.self) { try LaunchFlags.parse(["--providersThrottleDuration=5 seconds"]) }
        #expect(throws: FlagError.self) { try LaunchFlags.parse(["-g", "10x"]) }
        #expect(throws: FlagError.self) { try LaunchFlags.parse(["--web.address=8080"]) }
        #expect(throws: FlagError.self) { try LaunchFlags.parse(["--port=:http-alt"]) }
        #expect(throws: FlagError.self) { try LaunchFlags.parse(["--entryPoints=Address::80"]) }
        do {
            _ = try LaunchFlags.parse(["--providersThrottleDuration", "5 seconds"])
        } catch {
            #expect(error.message.hasPrefix("invalid argument \"5 seconds\" for \"--providersThrottleDuration\" flag: "))
        }
    }
}
