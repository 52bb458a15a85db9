/// Classic interleaved, GCD-based weighted round robin (LVS style, oxy `roundrobin`; spec §6.1).
/// Not "smooth" WRR: a heavy server is picked in bursts (weights 10, 1 → ten times 0, then 1).
/// Over one cycle each server is picked `weight / gcd` times.
public struct WeightedRoundRobin: Sendable, Equatable {
    /// Weights below 1 count as 1, as a configured 0 does.
    public let weights: [Int]
    private let greatestCommonDivisor: Int
    private let maximumWeight: Int
    private var index = -1
    private var currentWeight = 0

    public init(weights: [Int]) {
        self.weights = weights.map { max($0, 1) }
        greatestCommonDivisor = self.weights.reduce(0, Self.greatestCommonDivisor)
        maximumWeight = self.weights.max() ?? 0
    }

    /// The index of the next server, or nil when there are no servers.
    public mutating func next() -> Int? {
        guard !weights.isEmpty else { return nil }
        // Within one full cycle of the index the current weight falls to at most the maximum
        // weight, which some server has, so this ends within two passes.
        while true {
            // Wrapping by comparison: a remainder is a division, the slowest step of a pick.
            index = index + 1 == weights.count ? 0 : index + 1
            if index == 0 {
                currentWeight -= greatestCommonDivisor
                if currentWeight <= 0 { currentWeight = maximumWeight }
            }
            if weights[index] >= currentWeight { return index }
        }
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
