/// Finds an entry point's candidate frontends for a request's Host without trying every frontend: a frontend
/// whose routes require one literal Host is listed under that host; the others are tried for every request.
/// Candidates come out in the frontends' match order (decision D5), so the first match is the same as a full scan.
public struct FrontendIndex: Sendable, Equatable {
    private var byHost: [String: [Int]] = [:]
    private var anyHost: [Int] = []

    /// - Parameter requiredHosts: for each frontend in match order, the literal Host its routes require, if any.
    public init(requiredHosts: [String?]) {
        for (index, host) in requiredHosts.enumerated() {
            if let host {
                byHost[host, default: []].append(index)
            } else {
                anyHost.append(index)
            }
        }
    }

    /// Calls `body` with each candidate's index in ascending order until it returns true; returns that index.
    public func firstCandidate(forHost host: String, where body: (Int) -> Bool) -> Int? {
        let hosted = byHost[host] ?? []
        var hostedNext = 0
        var anyNext = 0
        while hostedNext < hosted.count || anyNext < anyHost.count {
            let takeHosted = anyNext == anyHost.count || (hostedNext < hosted.count && hosted[hostedNext] < anyHost[anyNext])
            let candidate: Int
            if takeHosted {
                candidate = hosted[hostedNext]
                hostedNext += 1
            } else {
                candidate = anyHost[anyNext]
                anyNext += 1
            }
            if body(candidate) { return candidate }
        }
        return nil
    }
}
