import KVStores
import Logging
import NIOCore
import Providers
import TraefikCore

/// The key/value providers the launch configuration enables (`[consul]`, `[etcd]`, `[zookeeper]`, `[boltdb]`), each
/// with its store client. Nothing connects here: the providers reach their stores when the watcher runs them.
enum KVProviderSetup {
    static func providers(
        of configuration: StaticConfiguration, group: any EventLoopGroup, logger: Logger
    ) throws -> [KVProvider] {
        var providers: [KVProvider] = []
        if let consul = configuration.consul {
            let endpoint = consul.resolvedEndpoint(store: "consul")
            providers.append(provider(.consul, consul, endpoint, store: try store { try ConsulStore(endpoint: endpoint) }))
        }
        if let etcd = configuration.etcd {
            let endpoint = etcd.resolvedEndpoint(store: "etcd")
            let version = try etcdVersion(etcd.version)
            providers.append(provider(
                .etcd, etcd, endpoint, store: try store { try EtcdStore(endpoint: endpoint, version: version) }))
        }
        if let zookeeper = configuration.zookeeper {
            let endpoint = zookeeper.resolvedEndpoint(store: "zookeeper")
            let store = ZooKeeperStore(endpoint: endpoint, eventLoopGroup: group, logger: logger)
            providers.append(provider(.zookeeper, zookeeper, endpoint, store: store))
        }
        if let boltdb = configuration.boltdb {
            let path = boltdb.resolvedEndpoint(store: "boltdb")
            // D17: no watch in the original; here the file is polled at the throttle period.
            let store = BoltDBStore(path: path, pollInterval: max(.milliseconds(100), configuration.providersThrottleDuration))
            providers.append(provider(.boltdb, boltdb, path, store: store))
        }
        return providers
    }

    private static func provider(
        _ name: ProviderName, _ configuration: KVProviderConfig, _ endpoint: String, store: any KVStore
    ) -> KVProvider {
        KVProvider(
            name: name, store: store, endpoint: endpoint, prefix: configuration.resolvedPrefix,
            watch: configuration.resolvedWatch,
            templateFile: configuration.filename.flatMap { $0.isEmpty ? nil : $0 })
    }

    private static func store(_ make: () throws -> any KVStore) throws -> any KVStore {
        do {
            return try make()
        } catch {
            throw StartupError.provider("\(error)")
        }
    }

    /// `[etcd] version`: `v2` (default) or `v3`.
    private static func etcdVersion(_ text: String?) throws -> EtcdStore.APIVersion {
        switch text?.lowercased() {
        case nil, "", "v2", "2": .v2
        case "v3", "3": .v3
        case let other?: throw StartupError.provider("etcd: version \"\(other)\" is not v2 or v3")
        }
    }
}
