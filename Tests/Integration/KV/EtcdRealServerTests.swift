import FakeFarm
import Foundation
import KVStores
import ProviderHTTP
import Testing

/// EtcdStore against the real etcd 3.4 (`/usr/bin/etcd`, v2 enabled): what the fake claims, checked for real.
@Suite(.enabled(if: EtcdServerProcess.isInstalled, "needs /usr/bin/etcd"), .serialized)
struct EtcdRealServerTests {
    /// Writes through etcd's own APIs (v2 form PUT, v3 gateway put), as an operator's etcdctl would.
    struct Writer {
        let client: ProviderHTTPClient
        let version: EtcdStore.APIVersion

        init(endpoint: String, version: EtcdStore.APIVersion) throws {
            client = try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: endpoint))
            self.version = version
        }

        func put(_ key: String, _ value: String) async throws {
            let response: ProviderHTTPResponse
            switch version {
            case .v2:
                let form = "value=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
                response = try await client.send(
                    ProviderHTTPRequest(
                        method: "PUT", target: "/v2/keys" + key,
                        headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8)))
            case .v3:
                let body = #"{"key":"\#(Data(key.utf8).base64EncodedString())","value":"\#(Data(value.utf8).base64EncodedString())"}"#
                response = try await client.send(ProviderHTTPRequest(method: "POST", target: "/v3/kv/put", body: Array(body.utf8)))
            }
            #expect((200..<300).contains(response.status), "put \(key): HTTP \(response.status)")
        }
    }

    @Test(arguments: [EtcdStore.APIVersion.v2, .v3])
    func listWatchAndOutage(version: EtcdStore.APIVersion) async throws {
        let etcd = try await EtcdServerProcess.start()
        let writer = try Writer(endpoint: etcd.endpoint, version: version)
        do {
            try await writer.put("/traefik/backends/b1/servers/s1/url", "http://127.0.0.1:9001")
            try await writer.put("/traefik/frontends/f1/routes/r1/rule", "Host:a.test")
            try await writer.put("/traefik_other/x", "not mine")
            let store = try EtcdStore(endpoint: etcd.endpoint, version: version)

            #expect(try await store.listTree(prefix: "/traefik") == [
                KVEntry(key: "/traefik/backends/b1/servers/s1/url", value: "http://127.0.0.1:9001"),
                KVEntry(key: "/traefik/frontends/f1/routes/r1/rule", value: "Host:a.test"),
            ])
            #expect(try await store.listTree(prefix: "/absent") == [])

            let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
            try await watch.waitFor([.armed])
            try await writer.put("/traefik/frontends/f1/backend", "b1")
            try await watch.waitFor([.armed, .changed])
            #expect(watch.error == nil)

            await etcd.stop()
            let failure = try await watch.waitForFailure(timeout: .seconds(15))
            #expect((failure as? KVStoreError)?.kind == .unreachable, "\(String(describing: failure))")
            do {
                _ = try await store.listTree(prefix: "/traefik")
                Issue.record("listed a stopped etcd")
            } catch {
                #expect((error as? KVStoreError)?.kind == .unreachable, "\(error)")
            }
        } catch {
            await etcd.stop()
            throw error
        }
    }
}
