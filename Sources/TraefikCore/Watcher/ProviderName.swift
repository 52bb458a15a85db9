/// A configuration provider, named as in `/api` and in the merge map (spec §1.2).
///
/// `allCases` and `<` follow the fixed merge order of decision D23: on a name clash between
/// providers, the one that comes first keeps the name.
public enum ProviderName: String, Sendable, CaseIterable, Comparable, Codable {
    case file
    case web
    case docker
    case marathon
    case consul
    case etcd
    case zookeeper = "zk"
    case boltdb
    case consulCatalog = "consul_catalog"

    public static func < (lhs: ProviderName, rhs: ProviderName) -> Bool {
        lhs.mergeRank < rhs.mergeRank
    }

    private var mergeRank: Int {
        switch self {
        case .file: 0
        case .web: 1
        case .docker: 2
        case .marathon: 3
        case .consul: 4
        case .etcd: 5
        case .zookeeper: 6
        case .boltdb: 7
        case .consulCatalog: 8
        }
    }
}
