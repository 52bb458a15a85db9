import Foundation
import Testing

@testable import KVStores

@Suite struct ConsulProtocolTests {
    static func pair(_ key: String, _ value: String?, index: Int = 5) -> String {
        let encoded = value.map { "\"\(Data($0.utf8).base64EncodedString())\"" } ?? "null"
        return #"{"LockIndex":0,"Key":"\#(key)","Flags":0,"Value":\#(encoded),"CreateIndex":\#(index),"ModifyIndex":\#(index)}"#
    }

    @Test func listingKeepsLeavesAtOrBelowThePrefixWithLeadingSlashes() throws {
        let body = "[" + [
            Self.pair("traefik", "root"), Self.pair("traefik/", nil), Self.pair("traefik/backends/", nil),
            Self.pair("traefik/backends/b1/url", "http://x"), Self.pair("traefik/empty", nil),
            Self.pair("traefik_configurations/x", "other"),
        ].joined(separator: ",") + "]"
        let listing = try ConsulProtocol.parseListing(status: 200, indexHeader: "42", body: Array(body.utf8), prefix: "/traefik")
        #expect(listing.index == 42)
        #expect(listing.entries == [
            KVEntry(key: "/traefik", value: "root"), KVEntry(key: "/traefik/backends/b1/url", value: "http://x"),
            KVEntry(key: "/traefik/empty", value: ""),
        ])
    }

    @Test func rootListingKeepsEverything() throws {
        let body = "[" + Self.pair("a", "1") + "," + Self.pair("b/c", "2") + "]"
        let listing = try ConsulProtocol.parseListing(status: 200, indexHeader: "3", body: Array(body.utf8), prefix: "")
        #expect(listing.entries.map(\.key) == ["/a", "/b/c"])
    }

    @Test func notFoundIsEmptyAndAZeroIndexBecomesOne() throws {
        #expect(try ConsulProtocol.parseListing(status: 404, indexHeader: "17", body: [], prefix: "x")
            == ConsulProtocol.Listing(entries: [], index: 17))
        #expect(try ConsulProtocol.parseListing(status: 404, indexHeader: "0", body: [], prefix: "x").index == 1)
    }

    @Test func badStatusesAndBodiesAreUnusable() {
        #expect(throws: UnusableReply.self) {
            try ConsulProtocol.parseListing(status: 500, indexHeader: nil, body: Array("rpc error".utf8), prefix: "x")
        }
        #expect(throws: UnusableReply.self) {
            try ConsulProtocol.parseListing(status: 200, indexHeader: "1", body: Array("{}".utf8), prefix: "x")
        }
        #expect(throws: UnusableReply.self) {
            try ConsulProtocol.parseListing(status: 200, indexHeader: "1", body: Array("[\(Self.pair("x", nil).replacingOccurrences(of: "null", with: "\"%%\""))]".utf8), prefix: "x")
        }
    }

    @Test func targetsDropTheLeadingSlash() {
        #expect(ConsulProtocol.listTarget(prefix: "/traefik") == "/v1/kv/traefik?recurse")
        #expect(ConsulProtocol.listTarget(prefix: "") == "/v1/kv/?recurse")
        #expect(ConsulProtocol.blockingListTarget(prefix: "traefik", index: 9, wait: .seconds(15))
            == "/v1/kv/traefik?recurse&index=9&wait=15s")
    }
}
