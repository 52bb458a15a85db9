import Testing
import TraefikCore
@testable import ConfigFormats

/// One launch configuration written in each supported format.
enum SameConfiguration {
    static let toml = """
        defaultEntryPoints = ["http", "https"]
        logLevel = "DEBUG"
        graceTimeOut = "10s"
        maxIdleConnsPerHost = 200

        [entryPoints]
          [entryPoints.http]
          address = ":80"
            [entryPoints.http.redirect]
            entryPoint = "https"
          [entryPoints.https]
          address = ":443"
            [entryPoints.https.tls]
              [[entryPoints.https.tls.certificates]]
              CertFile = "a.cert"
              KeyFile = "a.key"
              [[entryPoints.https.tls.certificates]]
              CertFile = "b.cert"
              KeyFile = "b.key"

        [docker]
        endpoint = "unix:///var/run/docker.sock"
        domain = "docker.localhost"
        watch = true
          [docker.tls]
          ca = "ca.pem"
          insecureSkipVerify = true

        [web]
        address = ":8080"
        CertFile = "web.cert"
        ReadOnly = true

        [file]
        """

    static let json = """
        {
          "defaultEntryPoints": ["http", "https"],
          "logLevel": "DEBUG",
          "graceTimeOut": "10s",
          "maxIdleConnsPerHost": 200,
          "entryPoints": {
            "http": {"address": ":80", "redirect": {"entryPoint": "https"}},
            "https": {
              "address": ":443",
              "tls": {"certificates": [
                {"CertFile": "a.cert", "KeyFile": "a.key"},
                {"CertFile": "b.cert", "KeyFile": "b.key"}
              ]}
            }
          },
          "docker": {
            "endpoint": "unix:///var/run/docker.sock",
            "domain": "docker.localhost",
            "watch": true,
            "tls": {"ca": "ca.pem", "insecureSkipVerify": true}
          },
          "web": {"address": ":8080", "CertFile": "web.cert", "ReadOnly": true},
          "file": {}
        }
        """

    static let yaml = """
        defaultEntryPoints: [http, https]
        logLevel: DEBUG
        graceTimeOut: 10s
        maxIdleConnsPerHost: 200
        entryPoints:
          http:
            address: ":80"
            redirect:
              entryPoint: https
          https:
            address: ":443"
            tls:
              certificates:
                - CertFile: a.cert
                  KeyFile: a.key
                - CertFile: b.cert
                  KeyFile: b.key
        docker:
          endpoint: unix:///var/run/docker.sock
          domain: docker.localhost
          watch: true
          tls:
            ca: ca.pem
            insecureSkipVerify: true
        web:
          address: ":8080"
          CertFile: web.cert
          ReadOnly: yes
        file:
        """

    static let hcl = """
        defaultEntryPoints = ["http", "https"]
        logLevel = "DEBUG"
        graceTimeOut = "10s"
        maxIdleConnsPerHost = 200

        entryPoints "http" {
          address = ":80"
          redirect {
            entryPoint = "https"
          }
        }

        entryPoints "https" {
          address = ":443"
          tls {
            certificates = [
              { CertFile = "a.cert", KeyFile = "a.key" },
              { CertFile = "b.cert", KeyFile = "b.key" },
            ]
          }
        }

        docker {
          endpoint = "unix:///var/run/docker.sock"
          domain = "docker.localhost"
          watch = true
          tls {
            ca = "ca.pem"
            insecureSkipVerify = true
          }
        }

        web {
          address = ":8080"
          CertFile = "web.cert"
          ReadOnly = true
        }

        file {}
        """

    static let expected = LaunchModel(
        entryPoints: [
            "http": .init(address: ":80", redirect: .init(entryPoint: "https")),
            "https": .init(address: ":443", tls: .init(certificates: [.init(certFile: "a.cert", keyFile: "a.key"),
                                                                       .init(certFile: "b.cert", keyFile: "b.key")])),
        ],
        defaultEntryPoints: ["http", "https"], logLevel: "DEBUG", graceTimeOut: "10s", maxIdleConnsPerHost: 200,
        docker: .init(endpoint: "unix:///var/run/docker.sock", domain: "docker.localhost", watch: true,
                      tls: .init(ca: "ca.pem", insecureSkipVerify: true)),
        web: .init(address: ":8080", certFile: "web.cert", readOnly: true),
        file: .init())
}

@Suite struct FormatEquivalenceTests {
    static let documents = [("traefik.toml", SameConfiguration.toml), ("traefik.json", SameConfiguration.json),
                            ("traefik.yaml", SameConfiguration.yaml), ("traefik.yml", SameConfiguration.yaml),
                            ("traefik.hcl", SameConfiguration.hcl)]

    @Test(arguments: documents)
    func everyFormatDecodesToTheSameModel(file: String, text: String) throws {
        let tree = try ConfigSource.parse(text: text, file: file)
        var decoder = ConfigDecoder()
        #expect(try decoder.decode(LaunchModel.self, from: tree) == SameConfiguration.expected)
        #expect(decoder.unusedKeyPaths.isEmpty)

        let configuration = try decodeValue(StaticConfiguration.self, from: tree)
        #expect(configuration.graceTimeOut == .seconds(10))
        #expect(configuration.entryPoints["https"]?.tls?.certificates.count == 2)
        #expect(configuration.file == FileProviderConfig())
        #expect(LaunchKeys.unknownKeyErrors(in: tree).isEmpty)
    }

    @Test(arguments: documents.dropFirst())
    func everyFormatGivesTheSameTreeAsTOML(file: String, text: String) throws {
        let toml = try ConfigSource.parse(text: SameConfiguration.toml, file: "traefik.toml")
        let other = try ConfigSource.parse(text: text, file: file)
        #expect(withoutPositions(other) == withoutPositions(toml))
    }

    @Test func hclRepeatedBlocksWithoutLabelsMakeAList() throws {
        let tree = try HCLSource.parse("""
            entryPoints "https" {
              address = ":443"
              tls {
                certificates { CertFile = "a.cert"
                               KeyFile = "a.key" }
                certificates {
                  CertFile = "b.cert"
                  KeyFile = "b.key"
                }
              }
            }
            """, file: "t.hcl")
        let model = try decodeValue(LaunchModel.self, from: tree)
        #expect(model.entryPoints?["https"] == SameConfiguration.expected.entryPoints?["https"])
    }

    @Test func fileTypeFollowsTheExtension() {
        #expect(ConfigSource.format(ofFile: "/etc/traefik/traefik.toml") == .toml)
        #expect(ConfigSource.format(ofFile: "a.JSON") == .json)
        #expect(ConfigSource.format(ofFile: "a.yaml") == .yaml)
        #expect(ConfigSource.format(ofFile: "dir.d/a.yml") == .yaml)
        #expect(ConfigSource.format(ofFile: "a.hcl") == .hcl)
        #expect(ConfigSource.format(ofFile: "/dev/null") == .toml)
        #expect(ConfigSource.format(ofFile: "rules.tml") == .toml)
        #expect(ConfigSource.format(ofFile: "dir.json/.hidden") == .toml)
    }

    @Test func anEmptyFileIsAnEmptyTableInEveryFormat() throws {
        for file in ["e.toml", "e.yaml", "e.hcl"] {
            #expect(try ConfigSource.parse(text: "", file: file).value == .table([]), "\(file)")
        }
        #expect(try ConfigSource.parse(text: "# only a comment\n", file: "e.yml").value == .table([]))
    }

    @Test func searchOrderIsTomlJsonYamlYmlHclInEachFolder() {
        #expect(ConfigSource.candidates(in: ["/etc/traefik", "/home/u/.traefik/"]) == [
            "/etc/traefik/traefik.toml", "/etc/traefik/traefik.json", "/etc/traefik/traefik.yaml",
            "/etc/traefik/traefik.yml", "/etc/traefik/traefik.hcl",
            "/home/u/.traefik/traefik.toml", "/home/u/.traefik/traefik.json", "/home/u/.traefik/traefik.yaml",
            "/home/u/.traefik/traefik.yml", "/home/u/.traefik/traefik.hcl",
        ])
        let present: Set = ["/home/u/.traefik/traefik.toml", "/etc/traefik/traefik.yml", "/etc/traefik/traefik.hcl"]
        #expect(ConfigSource.find(in: ["/etc/traefik", "/home/u/.traefik"], isReadable: present.contains)
                == "/etc/traefik/traefik.yml")
        #expect(ConfigSource.find(in: ["/nowhere"], isReadable: present.contains) == nil)
    }
}
