/// Finds an entry point's candidate frontends for a request without trying every frontend: a frontend whose
/// routes require one literal Host is listed under that host; one that requires no Host but a literal PathPrefix is
/// listed under that prefix; the others are tried for every request. Candidates come out in the frontends' match
/// order (decision D5) and every candidate is still matched in full, so the first match is the same as a full scan.
public struct FrontendIndex: Sendable, Equatable {
    /// What a frontend's routes require of every request it matches (routes are ANDed), as far as the index uses it.
    public enum Requirement: Sendable, Equatable {
        case host(String)
        case pathPrefix(String)
        case nothingIndexed
    }

    private var byHost: [String: [Int]] = [:]
    /// Keyed by the FNV-1a hash of the prefix's bytes; a collision only adds candidates, which their matcher rejects.
    private var byPathPrefix: [UInt64: [Int]] = [:]
    /// The distinct byte lengths of the indexed prefixes, ascending: the only path prefixes worth looking up.
    private var pathPrefixLengths: [Int] = []
    private var everyRequest: [Int] = []

    /// - Parameter requirements: for each frontend in match order, what its routes require.
    public init(requirements: [Requirement]) {
        var lengths = Set<Int>()
        for (index, requirement) in requirements.enumerated() {
            switch requirement {
            case .host(let host):
                byHost[host, default: []].append(index)
            case .pathPrefix(let prefix):
                byPathPrefix[prefix.utf8.reduce(Self.prefixKeySeed, Self.prefixKeyStep), default: []].append(index)
                lengths.insert(prefix.utf8.count)
            case .nothingIndexed:
                everyRequest.append(index)
            }
        }
        pathPrefixLengths = lengths.sorted()
    }

    /// Calls `body` with each candidate's index in ascending order until it returns true; returns that index.
    public func firstCandidate(host: String, path: String, where body: (Int) -> Bool) -> Int? {
        let hosted = byHost[host] ?? []
        if pathPrefixLengths.isEmpty { return Self.firstInMerge(hosted, everyRequest, where: body) }
        var lists = [hosted, everyRequest]
        var pathBytes = path.utf8.makeIterator()
        var key = Self.prefixKeySeed
        var hashedLength = 0
        for length in pathPrefixLengths {
            while hashedLength < length, let byte = pathBytes.next() {
                key = Self.prefixKeyStep(key, byte)
                hashedLength += 1
            }
            guard hashedLength == length else { break }  // the path is shorter than every remaining prefix
            if let prefixed = byPathPrefix[key] { lists.append(prefixed) }
        }
        return Self.firstInMerge(lists, where: body)
    }

    /// Two ascending lists (the common case: no PathPrefix index) merged without allocating.
    private static func firstInMerge(_ first: [Int], _ second: [Int], where body: (Int) -> Bool) -> Int? {
        var firstNext = 0
        var secondNext = 0
        while firstNext < first.count || secondNext < second.count {
            let takeFirst =
                secondNext == second.count || (firstNext < first.count && first[firstNext] < second[secondNext])
            let candidate: Int
            if takeFirst {
                candidate = first[firstNext]
                firstNext += 1
            } else {
                candidate = second[secondNext]
                secondNext += 1
            }
            if body(candidate) { return candidate }
        }
        return nil
    }

    /// Any number of ascending lists merged; a candidate listed twice (a key collision) is tried once.
    private static func firstInMerge(_ lists: [[Int]], where body: (Int) -> Bool) -> Int? {
        var next = [Int](repeating: 0, count: lists.count)
        var lastTried = -1
        while true {
            var smallestList = -1
            for (list, position) in next.enumerated() where position < lists[list].count {
                if smallestList < 0 || lists[list][position] < lists[smallestList][next[smallestList]] {
                    smallestList = list
                }
            }
            guard smallestList >= 0 else { return nil }
            let candidate = lists[smallestList][next[smallestList]]
            next[smallestList] += 1
            if candidate != lastTried {
                lastTried = candidate
                if body(candidate) { return candidate }
            }
        }
    }

    // FNV-1a over a prefix's bytes, computed incrementally along the request path.
    private static let prefixKeySeed: UInt64 = 0xcbf2_9ce4_8422_2325

    private static func prefixKeyStep(_ key: UInt64, _ byte: UInt8) -> UInt64 {
        (key ^ UInt64(byte)) &* 0x100_0000_01b3
    }
}
