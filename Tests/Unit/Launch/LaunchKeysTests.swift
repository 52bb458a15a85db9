import Testing
import TraefikCore
@testable import ConfigFormats

@Suite struct LaunchKeysTests {
    @Test func unknownKeysGetOneLineEachWithPositionAndSuggestion() throws {
        let tree = try TOMLSource.parse("""
            logLevl = "INFO"
            [entryPoints.http]
            adress = ":80"
            [entryPoints.https.tls]
              [[entryPoints.https.tls.certificates]]
              certFil = "a"
            [dockr]
            [docker]
            endpont = "x"
            [backends.anything.goes]
            here = 1
            """, file: "traefik.toml")
        let lines = LaunchKeys.unknownKeyErrors(in: tree).map(\.description)
        #expect(lines == [
            "traefik.toml:1:1: logLevl: unknown key (did you mean logLevel?)",
            "traefik.toml:3:1: entryPoints.http.adress: unknown key (did you mean address?)",
            "traefik.toml:6:3: entryPoints.https.tls.certificates[0].certFil: unknown key (did you mean certFile?)",
            "traefik.toml:7:2: dockr: unknown key (did you mean docker?)",
            "traefik.toml:9:1: docker.endpont: unknown key (did you mean endpoint?)",
        ])
    }

    @Test func keysMatchIgnoringCaseAndFarTyposGetNoHint() throws {
        let tree = try HCLSource.parse("""
            LOGLEVEL = "INFO"
            web { CERTFILE = "a"  banana = 1 }
            """, file: "t.hcl")
        #expect(LaunchKeys.unknownKeyErrors(in: tree).map(\.description) == ["t.hcl:2:23: web.banana: unknown key"])
    }

    @Test func withUnusedKeyPathsOnlyKeysTheDecoderIgnoredAreReported() throws {
        let tree = try YAMLSource.parse("""
            logLevel: INFO
            extra: 1
            web:
              adress: ":8080"
            """, file: "t.yaml")
        var decoder = ConfigDecoder()
        _ = try decoder.decode(LaunchModel.self, from: tree)
        #expect(decoder.unusedKeyPaths == ["extra", "web.adress"])
        let errors = LaunchKeys.unknownKeyErrors(in: tree, unusedKeyPaths: decoder.unusedKeyPaths)
        #expect(errors.map(\.description) == [
            "t.yaml:2:1: extra: unknown key",
            "t.yaml:4:3: web.adress: unknown key (did you mean address?)",
        ])
        // A key the model reads is never reported, even when the schema lacks it.
        let narrow = ConfigSchema.table([("logLevel", .value)])
        #expect(LaunchKeys.unknownKeyErrors(in: tree, unusedKeyPaths: ["extra"], schema: narrow).map(\.keyPath)
                == ["extra"])
    }

    @Test func malformedAddressesAreReportedWithTheirPosition() throws {
        let tree = try TOMLSource.parse("""
            port = "80"
            [entryPoints.http]
            address = ":80"
            [entryPoints.bad]
            address = "localhost"
            [web]
            address = ":99999"
            """, file: "traefik.toml")
        #expect(LaunchKeys.addressErrors(in: tree).map(\.description) == [
            "traefik.toml:5:1: entryPoints.bad.address: malformed address: invalid value \"localhost\": "
                + "missing port (expected host:port or :port)",
            "traefik.toml:7:1: web.address: malformed address: invalid value \":99999\": "
                + "invalid port \"99999\" (expected 0-65535, http or https)",
            "traefik.toml:1:1: port: malformed address: invalid value \"80\": missing port (expected host:port or :port)",
        ])
    }

    /// The four kinds of mistakes in a file each come out as one line with file, key path and position.
    @Test func everyKindOfMistakeIsOneLocatedLine() throws {
        func firstError(_ text: String) throws -> String {
            let tree = try YAMLSource.parse(text, file: "t.yaml")
            if let unknown = LaunchKeys.unknownKeyErrors(in: tree).first { return unknown.description }
            if let address = LaunchKeys.addressErrors(in: tree).first { return address.description }
            do {
                _ = try decodeValue(StaticConfiguration.self, from: tree)
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(try firstError("logLevel: INFO\nentryPoints:\n  http:\n    adress: \":80\"\n")
                == "t.yaml:4:5: entryPoints.http.adress: unknown key (did you mean address?)")
        #expect(try firstError("maxIdleConnsPerHost: [1]\n")
                == "t.yaml:1:1: maxIdleConnsPerHost: expected an integer, found array of 1 element")
        #expect(try firstError("logLevel: INFO\ngraceTimeOut: 10 parsecs\n").hasPrefix("t.yaml:2:1: graceTimeOut: "))
        #expect(try firstError("entryPoints:\n  http:\n    address: \"80\"\n")
                == "t.yaml:3:5: entryPoints.http.address: malformed address: invalid value \"80\": "
                    + "missing port (expected host:port or :port)")
    }
}
