extension LaunchFlags {
    /// `traefik --help`, laid out like the seed's (cobra/pflag): flags sorted by name, each with its
    /// value name and default, descriptions in one column.
    public static let helpText: String = {
        var lines = [
            "traefik is a modern HTTP reverse proxy and load balancer made to deploy microservices with ease.",
            "Complete documentation is available at http://traefik.io",
            "",
            "Usage:",
            "  traefik [flags]",
            "  traefik [command]",
            "",
            "Available Commands:",
            "  check       Check the configuration (file and flags) and exit",
            "  version     Print version",
            "",
            "Flags:",
        ]
        let help = (name: "help", left: "  -h, --help", usage: "help for traefik")
        var rows = all.map { flag in
            (name: flag.name, left: leftColumn(of: flag), usage: flag.usage + defaultSuffix(of: flag))
        }
        rows.append(help)
        // pflag sorts by byte order, so `consul.endpoint` comes before `consulCatalog`.
        rows.sort { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        let width = rows.map(\.left.count).max() ?? 0
        for row in rows {
            lines.append(row.left + String(repeating: " ", count: width - row.left.count + 3) + row.usage)
        }
        lines.append("")
        lines.append("Use \"traefik [command] --help\" for more information about a command.")
        return lines.joined(separator: "\n") + "\n"
    }()

    private static func leftColumn(of flag: LaunchFlag) -> String {
        let short = flag.shorthand.map { "  -\($0), " } ?? "      "
        let value = flag.valueName.isEmpty ? "" : " " + flag.valueName
        return short + "--" + flag.name + value
    }

    private static func defaultSuffix(of flag: LaunchFlag) -> String {
        guard let value = flag.defaultValue else { return "" }
        if flag.valueName == "string" { return " (default \(value.debugDescription))" }
        return flag.kind == .list ? " (default [\(value)])" : " (default \(value))"
    }
}
