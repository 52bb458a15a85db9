import Testing
@testable import ConfigFormats

@Suite struct LaunchHelpTests {
    let lines = LaunchFlags.helpText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

    @Test func everyFlagHasALineWithItsDefault() throws {
        for flag in LaunchFlags.all {
            let line = try #require(lines.first { $0.contains("--\(flag.name) ") || $0.hasSuffix("--\(flag.name)") },
                                    "no line for --\(flag.name)")
            #expect(line.contains(flag.usage))
            if let value = flag.defaultValue {
                #expect(line.contains("(default "), "\(line)")
                #expect(line.contains(value), "\(line)")
            }
            if let short = flag.shorthand { #expect(line.hasPrefix("  -\(short), --\(flag.name)")) }
        }
        #expect(lines.contains { $0.hasPrefix("  -h, --help") })
    }

    @Test func commandsIncludeCheckAndVersion() {
        #expect(lines.contains("  check       Check the configuration (file and flags) and exit"))
        #expect(lines.contains("  version     Print version"))
    }

    /// Lines of the seed's `traefik --help` that this help reproduces character for character.
    @Test(arguments: [
        "  -c, --configFile string                    Configuration file to use (TOML, JSON, YAML, HCL).",
        "      --boltdb.watch                         Watch provider (default true)",
        "      --docker.endpoint string               Docker server endpoint. Can be a tcp or a unix socket endpoint "
            + "(default \"unix:///var/run/docker.sock\")",
        "      --docker.tls.insecureSkipVerify        TLS insecure skip verify",
        "  -g, --graceTimeOut string                  Timeout in seconds. Duration to give active requests a chance "
            + "to finish during hot-reloads (default \"10\")",
        "  -l, --logLevel string                      Log level (default \"ERROR\")",
        "      --marathon.networkInterface string     Network interface used to call Marathon web services. Needed in "
            + "case of multiple network interfaces (default \"eth0\")",
        "  -p, --port string                          Reverse proxy port (default \":80\")",
        "      --web.address string                   Web administration port (default \":8080\")",
        "      --zookeeper.prefix string              Prefix used for KV store (default \"/traefik\")",
    ])
    func linesMatchTheSeed(line: String) {
        #expect(lines.contains(line))
    }

    @Test func flagsAreSortedAsPflagSortsThem() {
        let names = lines.compactMap { line -> String? in
            guard let range = line.range(of: "--"), line.hasPrefix("  ") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != " " })
        }
        #expect(names.count == LaunchFlags.all.count + 1)
        #expect(names == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        let consul = names.firstIndex(of: "consul.watch")
        let catalog = names.firstIndex(of: "consulCatalog")
        #expect(consul != nil && catalog != nil && consul! < catalog!)
    }
}
