import Foundation
import Testing

@testable import KVStores

@Suite struct EtcdV2ProtocolTests {
    /// As etcd 3.4 answers `GET /v2/keys/traefik?recursive=true&sorted=true`.
    static let nestedListing = #"""
        {"action":"get","node":{"key":"/traefik","dir":true,"nodes":[{"key":"/traefik/a","value":"1","modifiedIndex":5,"createdIndex":5},{"key":"/traefik/backends","dir":true,"nodes":[{"key":"/traefik/backends/b1","dir":true,"nodes":[{"key":"/traefik/backends/b1/url","value":"http://x","modifiedIndex":4,"createdIndex":4}],"modifiedIndex":4,"createdIndex":4},{"key":"/traefik/backends/empty","dir":true,"modifiedIndex":6,"createdIndex":6}],"modifiedIndex":4,"createdIndex":4}],"modifiedIndex":4,"createdIndex":4}}
        """#

    @Test func listingWalksDirectoriesAndReturnsLeavesOnly() throws {
        let listing = try EtcdV2Protocol.parseListing(
            status: 200, etcdIndexHeader: "9", body: Array(Self.nestedListing.utf8))
        #expect(listing.etcdIndex == 9)
        #expect(listing.entries == [
            KVEntry(key: "/traefik/a", value: "1"), KVEntry(key: "/traefik/backends/b1/url", value: "http://x"),
        ])
    }

    @Test func rootListingHasNoKeyOnItsNode() throws {
        let body = #"{"action":"get","node":{"dir":true,"nodes":[{"key":"/k","value":"v","modifiedIndex":2,"createdIndex":2}]}}"#
        let listing = try EtcdV2Protocol.parseListing(status: 200, etcdIndexHeader: "2", body: Array(body.utf8))
        #expect(listing.entries == [KVEntry(key: "/k", value: "v")])
    }

    @Test func listingAValueKeyGivesThatKey() throws {
        let body = #"{"action":"get","node":{"key":"/traefik/a","value":"1","modifiedIndex":5,"createdIndex":5}}"#
        let listing = try EtcdV2Protocol.parseListing(status: 200, etcdIndexHeader: "5", body: Array(body.utf8))
        #expect(listing.entries == [KVEntry(key: "/traefik/a", value: "1")])
    }

    @Test func keyNotFoundIsAnEmptyListingWithTheIndex() throws {
        let body = #"{"errorCode":100,"message":"Key not found","cause":"/nope","index":5}"#
        let listing = try EtcdV2Protocol.parseListing(status: 404, etcdIndexHeader: nil, body: Array(body.utf8))
        #expect(listing == EtcdV2Protocol.Listing(entries: [], etcdIndex: 5))
    }

    @Test func otherErrorsAndGarbageAreUnusable() {
        let body = #"{"errorCode":110,"message":"The request requires user authentication","index":5}"#
        #expect(throws: UnusableReply.self) {
            try EtcdV2Protocol.parseListing(status: 401, etcdIndexHeader: "5", body: Array(body.utf8))
        }
        #expect(throws: UnusableReply.self) {
            try EtcdV2Protocol.parseListing(status: 502, etcdIndexHeader: nil, body: Array("<html>".utf8))
        }
        #expect(throws: UnusableReply.self) {
            try EtcdV2Protocol.parseListing(status: 200, etcdIndexHeader: nil, body: Array(Self.nestedListing.utf8))
        }
    }

    @Test func watchRepliesAreEventsEmptyPollsOrClearedHistory() throws {
        let event = #"{"action":"delete","node":{"key":"/traefik/a","modifiedIndex":12,"createdIndex":5},"prevNode":{"key":"/traefik/a","value":"1","modifiedIndex":5,"createdIndex":5}}"#
        #expect(try EtcdV2Protocol.parseWatchReply(status: 200, body: Array(event.utf8)) == .changed(modifiedIndex: 12))
        #expect(try EtcdV2Protocol.parseWatchReply(status: 200, body: []) == .empty)
        #expect(try EtcdV2Protocol.parseWatchReply(status: 200, body: Array("\n".utf8)) == .empty)
        let cleared = #"{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [1008/4]","index":2007}"#
        #expect(try EtcdV2Protocol.parseWatchReply(status: 400, body: Array(cleared.utf8)) == .historyCleared)
        #expect(throws: UnusableReply.self) { try EtcdV2Protocol.parseWatchReply(status: 200, body: Array("{}".utf8)) }
    }

    @Test func targetsNormaliseAndEncodeThePrefix() {
        #expect(EtcdV2Protocol.listTarget(prefix: "traefik/") == "/v2/keys/traefik?recursive=true&sorted=true")
        #expect(EtcdV2Protocol.listTarget(prefix: "") == "/v2/keys/?recursive=true&sorted=true")
        #expect(EtcdV2Protocol.listTarget(prefix: "/a b") == "/v2/keys/a%20b?recursive=true&sorted=true")
        #expect(EtcdV2Protocol.watchTarget(prefix: "/traefik", waitIndex: 10)
            == "/v2/keys/traefik?wait=true&recursive=true&waitIndex=10")
    }
}

@Suite struct EtcdV3ProtocolTests {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    @Test func rangeEndIsThePrefixWithItsLastByteIncremented() {
        #expect(EtcdV3Protocol.range(prefix: "/traefik") == (Array("/traefik".utf8), Array("/traefil".utf8)))
        #expect(EtcdV3Protocol.range(prefix: "") == ([0], [0]))
        #expect(EtcdV3Protocol.range(prefix: "/") == ([0], [0]))
    }

    @Test func rangeBodyIsBase64JSON() throws {
        let body = try JSONSerialization.jsonObject(with: Data(EtcdV3Protocol.rangeBody(prefix: "traefik"))) as? [String: String]
        #expect(body == ["key": Self.base64("/traefik"), "range_end": Self.base64("/traefil")])
        let watch = try JSONSerialization.jsonObject(
            with: Data(EtcdV3Protocol.watchBody(prefix: "/traefik", startRevision: 8))) as? [String: [String: String]]
        #expect(watch?["create_request"]?["start_revision"] == "8")
    }

    @Test func rangeReplyDecodesAndDropsKeysThatOnlyShareTheStringPrefix() throws {
        let body = """
            {"header":{"cluster_id":"1","member_id":"2","revision":"3","raft_term":"2"},"kvs":[\
            {"key":"\(Self.base64("/traefik/x"))","create_revision":"2","mod_revision":"2","version":"1","value":"\(Self.base64("hello"))"},\
            {"key":"\(Self.base64("/traefik_other"))","create_revision":"3","mod_revision":"3","version":"1","value":"\(Self.base64("v"))"},\
            {"key":"\(Self.base64("/traefik/empty"))","create_revision":"3","mod_revision":"3","version":"1"}],"count":"3"}
            """
        let listing = try EtcdV3Protocol.parseRange(status: 200, body: Array(body.utf8), prefix: "/traefik")
        #expect(listing.revision == 3)
        #expect(listing.entries == [KVEntry(key: "/traefik/empty", value: ""), KVEntry(key: "/traefik/x", value: "hello")])
    }

    @Test func emptyRangeHasNoKvs() throws {
        let body = #"{"header":{"cluster_id":"1","member_id":"2","revision":"7","raft_term":"2"}}"#
        #expect(try EtcdV3Protocol.parseRange(status: 200, body: Array(body.utf8), prefix: "/x")
            == EtcdV3Protocol.Listing(entries: [], revision: 7))
    }

    @Test func gatewayErrorsAreUnusable() {
        let body = #"{"error":"invalid character","message":"invalid character","code":3}"#
        #expect(throws: UnusableReply("HTTP 400: invalid character")) {
            try EtcdV3Protocol.parseRange(status: 400, body: Array(body.utf8), prefix: "/x")
        }
    }

    @Test func watchMessagesAsEtcd34SendsThem() throws {
        func parse(_ text: String) throws -> EtcdV3Protocol.WatchReply {
            try EtcdV3Protocol.parseWatchMessage(Array(text.utf8), prefix: "/traefik")
        }
        #expect(try parse(#"{"result":{"header":{"revision":"3"},"created":true}}"#) == .created)
        #expect(try parse(#"{"result":{"header":{"revision":"4"},"events":[{"type":"DELETE","kv":{"key":"\#(Self.base64("/traefik/x"))","mod_revision":"4"}}]}}"#)
            == .events(relevant: true))
        #expect(try parse(#"{"result":{"header":{"revision":"4"},"events":[{"kv":{"key":"\#(Self.base64("/traefik_other"))"}}]}}"#)
            == .events(relevant: false))
        #expect(try parse(#"{"result":{"header":{"raft_term":"2"},"canceled":true,"compact_revision":"3"}}"#) == .compacted)
        #expect(try parse(#"{"result":{"header":{},"canceled":true,"cancel_reason":"permission denied"}}"#)
            == .canceled(reason: "permission denied"))
        #expect(try parse(#"{"result":{"header":{"revision":"9"}}}"#) == .nothing)
        #expect(throws: UnusableReply.self) { try parse(#"{"error":{"grpc_code":14,"message":"unavailable","code":14}}"#) }
    }

    @Test func splitterYieldsWholeLinesWhateverTheChunking() {
        var splitter = JSONLineSplitter()
        #expect(splitter.append(Array("{\"a\":".utf8)) == [])
        #expect(splitter.append(Array("1}\n\n{\"b\"".utf8)) == [Array("{\"a\":1}".utf8)])
        #expect(splitter.append(Array(":2}\r\n".utf8)) == [Array("{\"b\":2}\r".utf8)])
    }
}

@Suite struct HTTPKVPathTests {
    @Test func prefixesAndKeysGetOneLeadingSlash() {
        #expect(KVKeyPath.normalised("traefik/") == "/traefik")
        #expect(KVKeyPath.normalised("//traefik//x") == "/traefik/x")
        #expect(KVKeyPath.normalised("") == "/")
        #expect(HTTPKVPath.normalizedKey("traefik/x") == "/traefik/x")
        #expect(HTTPKVPath.normalizedKey("//traefik/x") == "/traefik/x")
    }

    @Test func atOrBelowIsAPathPrefixNotAStringPrefix() {
        #expect(KVKeyPath.isAtOrBelow("/traefik", prefix: "/traefik"))
        #expect(KVKeyPath.isAtOrBelow("/traefik/a/b", prefix: "/traefik"))
        #expect(!KVKeyPath.isAtOrBelow("/traefik_other/a", prefix: "/traefik"))
        #expect(KVKeyPath.isAtOrBelow("/anything", prefix: "/"))
    }
}
