import Testing
import TraefikCore

@Suite struct CertificateNameTableTests {
    let table = CertificateNameTable(namesPerCertificate: [
        ["snitest.com", "*.snitest.com"],
        ["snitest.org"],
        ["shared.test", "Other.Test"],
        ["shared.test"],
    ])

    @Test func exactNamePicksItsCertificate() {
        #expect(table.certificateIndex(forServerName: "snitest.com") == 0)
        #expect(table.certificateIndex(forServerName: "snitest.org") == 1)
    }

    @Test func noServerNameOrUnknownNameGetsTheFirst() {
        #expect(table.certificateIndex(forServerName: nil) == 0)
        #expect(table.certificateIndex(forServerName: "foo.bar") == 0)
        #expect(table.certificateIndex(forServerName: "") == 0)
    }

    @Test func wildcardReplacesOnlyTheFirstLabel() {
        #expect(table.certificateIndex(forServerName: "www.snitest.com") == 0)
        let orgFirst = CertificateNameTable(namesPerCertificate: [["snitest.org"], ["*.example.com"]])
        #expect(orgFirst.certificateIndex(forServerName: "a.example.com") == 1)
        #expect(orgFirst.certificateIndex(forServerName: "a.b.example.com") == 0)
        #expect(orgFirst.certificateIndex(forServerName: "example.com") == 0)
    }

    @Test func namesAreCaseInsensitiveAndTrailingDotIgnored() {
        #expect(table.certificateIndex(forServerName: "SNITEST.ORG.") == 1)
        #expect(table.certificateIndex(forServerName: "other.test") == 2)
    }

    @Test func laterCertificateWinsASharedName() {
        #expect(table.certificateIndex(forServerName: "shared.test") == 3)
    }
}
