import ConfigFormats
import Testing

@Suite("ConfigDecoder")
struct ConfigDecoderTests {
    private func decode<T: Decodable>(_ type: T.Type, toml: String) throws -> T {
        var decoder = ConfigDecoder()
        return try decoder.decode(type, from: TOMLSource.parse(toml, file: "c.toml"))
    }

    private func string(_ text: String) -> ConfigNode {
        ConfigNode(.string(text))
    }

    private func table(_ entries: [(String, ConfigNode)]) -> ConfigNode {
        ConfigNode(.table(entries.map { ConfigNode.Entry(key: $0.0, node: $0.1) }))
    }

    // MARK: Keys

    struct Provider: Decodable, Equatable {
        var endpoint: String
        var watch: Bool?
    }

    @Test func keysMatchIgnoringCase() throws {
        let provider = try decode(Provider.self, toml: "ENDPOINT = \"unix:///x\"\nWatch = true")
        #expect(provider == Provider(endpoint: "unix:///x", watch: true))
    }

    @Test func exactSpellingWinsOverACaseInsensitiveMatch() throws {
        let provider = try decode(Provider.self, toml: "Endpoint = \"folded\"\nendpoint = \"exact\"")
        #expect(provider.endpoint == "exact")
        let onlyFolded = try decode(Provider.self, toml: "ENDPOINT = \"first\"\nEndPoint = \"second\"")
        #expect(onlyFolded.endpoint == "first")
    }

    struct Probe: Decodable {
        var containsLowercase: Bool
        var keys: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            containsLowercase = container.contains(AnyKey("backendname"))
            keys = container.allKeys.map(\.stringValue)
        }
    }

    @Test func containsIgnoresCaseAndAllKeysKeepTheOriginalCase() throws {
        let probe = try decode(Probe.self, toml: "BackendName = 1\nServers = 2\nlowercase = 3")
        #expect(probe.containsLowercase)
        #expect(probe.keys == ["BackendName", "Servers", "lowercase"])
    }

    @Test func dictionaryKeysKeepTheirCase() throws {
        let servers = try decode([String: [String: Int]].self, toml: """
            [MyBackend]
            Weight = 1
            [other-Backend]
            weight = 2
            """)
        #expect(servers == ["MyBackend": ["Weight": 1], "other-Backend": ["weight": 2]])
    }

    // MARK: Lenient scalars

    struct Scalars: Decodable, Equatable {
        var flag: Bool
        var count: Int
        var port: UInt16
        var big: Int64
        var ratio: Double
        var name: String
    }

    @Test func stringsDecodeAsBoolIntegerAndDouble() throws {
        let node = table([("flag", string("true")), ("count", string(" 10 ")), ("port", string("8080")),
                          ("big", string("-9000000000")), ("ratio", string("1.5")), ("name", string("x"))])
        var decoder = ConfigDecoder()
        let scalars = try decoder.decode(Scalars.self, from: node)
        #expect(scalars == Scalars(flag: true, count: 10, port: 8080, big: -9_000_000_000, ratio: 1.5, name: "x"))
    }

    @Test(arguments: [("1", true), ("t", true), ("TRUE", true), ("True", true),
                      ("0", false), ("f", false), ("FALSE", false), ("false", false)])
    func goBoolSpellings(text: String, expected: Bool) throws {
        var decoder = ConfigDecoder()
        #expect(try decoder.decode(Bool.self, from: string(text)) == expected)
    }

    @Test func integerDecodesAsDoubleAndIntegralFloatAsInteger() throws {
        let scalars = try decode(Scalars.self, toml: """
            flag = false
            count = 3.0
            port = 80
            big = 1
            ratio = 2
            name = ""
            """)
        #expect(scalars.ratio == 2.0)
        #expect(scalars.count == 3)
    }

    @Test func unparsableStringIsATypeMismatch() throws {
        var decoder = ConfigDecoder()
        let error = #expect(throws: ConfigError.self) {
            try decoder.decode([String: Bool].self, from: table([("flag", string("maybe"))]))
        }
        #expect(error?.keyPath == "flag")
        #expect(error?.message == #"expected a boolean, found string "maybe""#)
        #expect(error?.line == nil)
    }

    @Test func integerOutOfRangeForItsTypeSaysSo() throws {
        struct Listener: Decodable { var port: UInt16 }
        let error = #expect(throws: ConfigError.self) {
            try decode(Listener.self, toml: "\n  port = 70000")
        }
        #expect(error == ConfigError(file: "c.toml", keyPath: "port", line: 2, column: 3,
                                     message: "integer 70000 is out of range for UInt16"))
    }

    @Test func stringIsNotSilentlyMadeFromANumber() throws {
        let error = #expect(throws: ConfigError.self) { try decode(Provider.self, toml: "endpoint = 8080") }
        #expect(error?.message == "expected a string, found integer 8080")
    }

    // MARK: Arrays

    struct Frontend: Decodable, Equatable {
        var entryPoints: [String]
    }

    @Test func commaSeparatedStringDecodesAsArray() throws {
        #expect(try decode(Frontend.self, toml: #"entryPoints = "http, https ,admin""#).entryPoints
            == ["http", "https", "admin"])
    }

    @Test func singleScalarDecodesAsOneElementArray() throws {
        #expect(try decode(Frontend.self, toml: #"entryPoints = "https""#).entryPoints == ["https"])
        var decoder = ConfigDecoder()
        #expect(try decoder.decode([Int].self, from: ConfigNode(.int(7))) == [7])
        #expect(try decoder.decode([Int].self, from: string("1,2")) == [1, 2])
        #expect(try decoder.decode([String].self, from: string("")) == [])
    }

    @Test func tableWhereAListIsExpectedIsAListOfOne() throws {
        var decoder = ConfigDecoder()
        let one = ConfigNode(.table([.init(key: "a", node: ConfigNode(.int(1)))]))
        #expect(try decoder.decode([[String: Int]].self, from: one) == [["a": 1]])
        // …but a table is still no string.
        let error = #expect(throws: ConfigError.self) {
            try decode(Frontend.self, toml: "[entryPoints]\nhttp = 1")
        }
        #expect(error?.message.hasPrefix("expected a string, found table") == true)
        #expect(error?.line == 1)
    }

    @Test func nestedArraysAndOptionals() throws {
        struct Shapes: Decodable, Equatable {
            var matrix: [[Int]]
            var maybe: String?
            var absent: [String: Int]?
        }
        let shapes = try decode(Shapes.self, toml: "matrix = [[1, 2], [3]]\nmaybe = \"yes\"")
        #expect(shapes == Shapes(matrix: [[1, 2], [3]], maybe: "yes", absent: nil))
    }

    // MARK: Containers by hand

    struct HandWritten: Decodable, Equatable {
        var address: String
        var tags: [String]
        var first: Int
        var inherited: Int

        init(address: String, tags: [String], first: Int, inherited: Int) {
            self.address = address
            self.tags = tags
            self.first = first
            self.inherited = inherited
        }

        enum Keys: String, CodingKey { case listener, tags, numbers, base }
        enum ListenerKeys: String, CodingKey { case address }
        enum BaseKeys: String, CodingKey { case level }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            let listener = try container.nestedContainer(keyedBy: ListenerKeys.self, forKey: .listener)
            address = try listener.decode(String.self, forKey: .address)
            var tagList = try container.nestedUnkeyedContainer(forKey: .tags)
            var tags: [String] = []
            while !tagList.isAtEnd { tags.append(try tagList.decode(String.self)) }
            self.tags = tags
            var numbers = try container.nestedUnkeyedContainer(forKey: .numbers)
            var row = try numbers.nestedUnkeyedContainer()
            first = try row.decode(Int.self)
            let base = try container.superDecoder(forKey: .base).container(keyedBy: BaseKeys.self)
            inherited = try base.decode(Int.self, forKey: .level)
        }
    }

    @Test func nestedKeyedUnkeyedAndSuperDecoders() throws {
        let value = try decode(HandWritten.self, toml: """
            tags = ["a", "b"]
            numbers = [[5, 6]]
            [listener]
            Address = ":80"
            [Base]
            level = 3
            """)
        #expect(value == HandWritten(address: ":80", tags: ["a", "b"], first: 5, inherited: 3))
    }

    struct Duration: Decodable, Equatable {
        var seconds: Int

        init(seconds: Int) {
            self.seconds = seconds
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard text.hasSuffix("s"), let seconds = Int(text.dropLast()) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid duration \(text)")
            }
            self.seconds = seconds
        }
    }

    @Test func singleValueTypeDecodesAndItsOwnErrorsGetAPosition() throws {
        struct Settings: Decodable { var throttle: [String: Duration] }
        #expect(try decode(Settings.self, toml: "[throttle]\nfile = \"2s\"").throttle["file"] == Duration(seconds: 2))

        let error = #expect(throws: ConfigError.self) {
            try decode(Settings.self, toml: "[Throttle]\n\n  Docker = \"soon\"")
        }
        #expect(error == ConfigError(file: "c.toml", keyPath: "Throttle.Docker", line: 3, column: 3,
                                     message: "invalid duration soon"))
    }

    @Test func missingRequiredKeyNamesTheKeyAndItsTable() throws {
        struct Server: Decodable { var url: String }
        let error = #expect(throws: ConfigError.self) {
            try decode([String: [String: [String: Server]]].self, toml: "[backend1.servers.s1]\nweight = 1")
        }
        #expect(error == ConfigError(file: "c.toml", keyPath: "backend1.servers.s1.url", line: 1, column: 19,
                                     message: #"missing required key "url""#))
    }

    @Test func bareTrueDecodesAsAnEmptyAllOptionalStruct() throws {
        struct Docker: Decodable, Equatable { var endpoint: String?; var watch: Bool? }
        struct Launch: Decodable { var docker: Docker? }
        var decoder = ConfigDecoder()
        let launch = try decoder.decode(Launch.self, from: .fromPath("docker", value: string("true")))
        #expect(launch.docker == Docker(endpoint: nil, watch: nil))
    }

    // MARK: Unused keys

    @Test func unusedKeyPathsListTyposOnceAtTheirOutermostUnreadKey() throws {
        struct Server: Decodable { var url: String }
        struct Backend: Decodable { var servers: [String: Server] }
        struct Config: Decodable { var backends: [String: Backend] }
        let tree = try TOMLSource.parse("""
            logLevle = "DEBUG"
            [backends.b1.servers.s1]
            url = "http://a"
            wieght = 3
            [backends.b1.cirquitBreaker]
            expression = "x"
            [[backends.b1.extra]]
            a = 1
            """, file: "c.toml")
        var decoder = ConfigDecoder()
        _ = try decoder.decode(Config.self, from: tree)
        #expect(decoder.unusedKeyPaths == [
            "logLevle", "backends.b1.servers.s1.wieght", "backends.b1.cirquitBreaker", "backends.b1.extra",
        ])
    }

    @Test func unusedKeysInsideArrayElementsCarryTheIndex() throws {
        struct Certificate: Decodable { var certFile: String }
        struct TLS: Decodable { var certificates: [Certificate] }
        let tree = try TOMLSource.parse("""
            [[certificates]]
            CertFile = "a"
            [[certificates]]
            CertFile = "b"
            KeyFiel = "typo"
            """, file: "c.toml")
        var decoder = ConfigDecoder()
        _ = try decoder.decode(TLS.self, from: tree)
        #expect(decoder.unusedKeyPaths == ["certificates[1].KeyFiel"])
    }

    @Test func everyKeyReadMeansNothingUnused() throws {
        var decoder = ConfigDecoder()
        _ = try decoder.decode([String: [String]].self, from: TOMLSource.parse("a = [\"x\"]\nb = \"y,z\"", file: "c.toml"))
        #expect(decoder.unusedKeyPaths.isEmpty)
    }

    /// A coding key for any string, to look at a container's keys directly.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init(_ stringValue: String) {
            self.stringValue = stringValue
        }

        init?(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            nil
        }
    }
}
