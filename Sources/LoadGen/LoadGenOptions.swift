/// The parsed command line. Flags follow ApacheBench (`ab`) where ab has one; long flags are loadgen's own.
public struct LoadGenOptions: Sendable, Equatable {
    /// `-n`: total requests; nil with `-t` alone, which then runs until the time limit (ab's "large -n").
    public var totalRequests: Int?
    /// `-c`: concurrent connections.
    public var concurrency = 1
    /// `-k`: reuse connections (HTTP keep-alive).
    public var keepAlive = false
    /// `-t`: time limit in seconds.
    public var timeLimitSeconds: Double?
    /// `-H`: extra request headers, in order, as (name, value).
    public var headers: [RequestHeader] = []
    /// `-m`: request method; defaults to GET, or POST when `-p` is given (as ab does).
    public var method: String?
    /// `-p`: file whose bytes are the request body.
    public var bodyFile: String?
    /// `-T`: Content-Type of the `-p` body.
    public var contentType: String?
    /// `-s`: seconds to wait for each response (ab's default is 30).
    public var timeoutSeconds: Double = 30
    /// `--http1.0`: send HTTP/1.0 requests.
    public var http10 = false
    /// `--rate`: open-loop mode, requests per second across all connections.
    public var rate: Double?
    /// `--threads`: event loops; nil means one per core.
    public var threads: Int?
    /// `--json`: print one JSON object instead of the ab-like summary.
    public var json = false
    /// `-h`, `--help`.
    public var showHelp = false
    public var url: TargetURL?

    public init() {}

    /// The method actually sent.
    public var effectiveMethod: String { method ?? (bodyFile == nil ? "GET" : "POST") }

    /// Requests the run may send: `-n` if given, unbounded (stopped by `-t`) otherwise.
    public var requestLimit: Int? {
        if let totalRequests { return totalRequests }
        return timeLimitSeconds == nil ? 1 : nil
    }

    public static let usage = """
        Usage: loadgen [options] http://host[:port]/path
          -n requests     Number of requests to perform (default 1; unlimited with -t alone)
          -c concurrency  Number of connections open at a time (default 1)
          -t seconds      Time limit for the run (stops at whichever of -n/-t comes first)
          -k              Use HTTP keep-alive (reuse connections)
          -H 'Name: val'  Add a request header (repeatable)
          -m method       Request method (default GET; POST with -p)
          -p file         File holding the request body
          -T type         Content-Type of the -p body
          -s seconds      Per-request timeout (default 30)
          --http1.0       Send HTTP/1.0 requests (keep-alive only with -k)
          --rate N        Open loop: N requests/second in total, latency from the intended send time
          --threads N     Event loops (default: one per core, at most -c)
          --json          Print one JSON object instead of the ab-like summary
          -h, --help      Show this help
        """

    public static func parse(_ arguments: [String]) throws(UsageError) -> LoadGenOptions {
        var options = LoadGenOptions()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            if argument.hasPrefix("--") {
                try options.applyLongFlag(argument, remaining: &remaining)
            } else if argument.hasPrefix("-"), argument.count > 1 {
                try options.applyShortFlags(argument.dropFirst(), remaining: &remaining)
            } else if options.url == nil {
                options.url = try TargetURL.parse(argument)
            } else {
                throw UsageError("unexpected argument '\(argument)': only one URL is allowed")
            }
        }
        if options.showHelp { return options }
        try options.validate()
        return options
    }

    private mutating func applyLongFlag(_ argument: String, remaining: inout ArraySlice<String>) throws(UsageError) {
        let parts = argument.split(separator: "=", maxSplits: 1)
        let name = String(parts[0])
        var inlineValue = parts.count == 2 ? String(parts[1]) : nil
        func value() throws(UsageError) -> String {
            if let inline = inlineValue {
                inlineValue = nil
                return inline
            }
            guard let next = remaining.popFirst() else { throw UsageError("\(name) needs a value") }
            return next
        }
        switch name {
        case "--http1.0": http10 = true
        case "--json": json = true
        case "--help": showHelp = true
        case "--rate": rate = try Self.positiveDouble(try value(), flag: name)
        case "--threads": threads = try Self.positiveInt(try value(), flag: name)
        default: throw UsageError("unknown option \(name)")
        }
        if inlineValue != nil { throw UsageError("\(name) takes no value") }
    }

    /// ab-style short flags: `-k`, `-n 100`, `-n100`, and clusters such as `-kc 10`.
    private mutating func applyShortFlags(_ cluster: Substring, remaining: inout ArraySlice<String>) throws(UsageError) {
        var index = cluster.startIndex
        while index < cluster.endIndex {
            let flag = cluster[index]
            index = cluster.index(after: index)
            switch flag {
            case "k": keepAlive = true; continue
            case "h": showHelp = true; continue
            default: break
            }
            let attached = cluster[index...]
            index = cluster.endIndex
            let value: String
            if !attached.isEmpty {
                value = String(attached)
            } else if let next = remaining.popFirst() {
                value = next
            } else {
                throw UsageError("-\(flag) needs a value")
            }
            try applyValuedFlag(flag, value: value)
        }
    }

    private mutating func applyValuedFlag(_ flag: Character, value: String) throws(UsageError) {
        let name = "-\(flag)"
        switch flag {
        case "n": totalRequests = try Self.positiveInt(value, flag: name)
        case "c": concurrency = try Self.positiveInt(value, flag: name)
        case "t": timeLimitSeconds = try Self.positiveDouble(value, flag: name)
        case "s": timeoutSeconds = try Self.positiveDouble(value, flag: name)
        case "H": headers.append(try RequestHeader.parse(value))
        case "m":
            guard !value.isEmpty, value.allSatisfy(\.isHTTPTokenCharacter) else {
                throw UsageError("invalid method '\(value)'")
            }
            method = value.uppercased()
        case "p": bodyFile = value
        case "T":
            guard !value.contains(where: \.isNewline) else { throw UsageError("invalid content type") }
            contentType = value
        default: throw UsageError("unknown option -\(flag)")
        }
    }

    private func validate() throws(UsageError) {
        guard url != nil else { throw UsageError("missing the URL to load (http://host[:port]/path)") }
        if let totalRequests, concurrency > totalRequests {
            throw UsageError("cannot use a concurrency level (\(concurrency)) above the number of requests (\(totalRequests))")
        }
        if contentType != nil, bodyFile == nil {
            throw UsageError("-T needs a body file (-p)")
        }
    }

    private static func positiveInt(_ text: String, flag: String) throws(UsageError) -> Int {
        guard let value = Int(text), value > 0 else {
            throw UsageError("\(flag) needs a positive whole number (got '\(text)')")
        }
        return value
    }

    private static func positiveDouble(_ text: String, flag: String) throws(UsageError) -> Double {
        guard let value = Double(text), value > 0, value.isFinite else {
            throw UsageError("\(flag) needs a positive number (got '\(text)')")
        }
        return value
    }
}

/// One `-H 'Name: value'` header.
public struct RequestHeader: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    static func parse(_ text: String) throws(UsageError) -> RequestHeader {
        guard let colon = text.firstIndex(of: ":") else {
            throw UsageError("-H needs 'Name: value' (got '\(text)')")
        }
        let name = String(text[..<colon])
        let value = text[text.index(after: colon)...].trimmingSpaces()
        guard !name.isEmpty, name.allSatisfy(\.isHTTPTokenCharacter) else {
            throw UsageError("invalid header name in '\(text)'")
        }
        guard !value.contains(where: \.isNewline) else { throw UsageError("header values cannot contain newlines") }
        return RequestHeader(name: name, value: value)
    }
}

extension Character {
    /// RFC 9110 `tchar`: what method and header names may be made of.
    var isHTTPTokenCharacter: Bool {
        guard isASCII, let scalar = unicodeScalars.first else { return false }
        if isLetter || isNumber { return true }
        return "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        let start = firstIndex(where: { $0 != " " && $0 != "\t" }) ?? endIndex
        let end = lastIndex(where: { $0 != " " && $0 != "\t" }).map(index(after:)) ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
