import Testing
import TraefikCore

@Suite("Weighted round robin (spec §6.1, testable E1–E3)")
struct WeightedRoundRobinTests {
    private func picks(_ weights: [Int], count: Int) -> [Int?] {
        var balancer = WeightedRoundRobin(weights: weights)
        return (0..<count).map { _ in balancer.next() }
    }

    @Test("Weights 10 and 1: ten times the first, then the second")
    func tenAndOne() {
        let cycle: [Int?] = Array(repeating: 0, count: 10) + [1]
        #expect(picks([10, 1], count: 33) == cycle + cycle + cycle)
    }

    @Test("E1: 1100 picks with weights 10 and 1 give exactly 1000 and 100")
    func tenAndOneCounts() {
        let sequence = picks([10, 1], count: 1100)
        #expect(sequence.filter { $0 == 0 }.count == 1000)
        #expect(sequence.filter { $0 == 1 }.count == 100)
    }

    @Test("E2: weights 1 and 2 give 1, 0, 1 repeating")
    func oneAndTwo() {
        #expect(picks([1, 2], count: 9) == [1, 0, 1, 1, 0, 1, 1, 0, 1])
    }

    @Test("Weights 3, 2, 1 follow the interleaved GCD sequence")
    func threeTwoOne() {
        let cycle: [Int?] = [0, 0, 1, 0, 1, 2]
        #expect(picks([3, 2, 1], count: 18) == cycle + cycle + cycle)
    }

    @Test("Weights with a common divisor pick each server weight/gcd times per cycle")
    func commonDivisor() {
        #expect(picks([4, 2], count: 6) == [0, 0, 1, 0, 0, 1])
    }

    @Test("E3: equal weights (0 means 1) alternate strictly")
    func equalWeights() {
        #expect(picks([0, 0], count: 6) == [0, 1, 0, 1, 0, 1])
        #expect(picks([1, 1, 1], count: 6) == [0, 1, 2, 0, 1, 2])
    }

    @Test("A single server is always picked")
    func singleServer() {
        #expect(picks([5], count: 4) == [0, 0, 0, 0])
    }

    @Test("No servers: nil")
    func noServers() {
        #expect(picks([], count: 2) == [nil, nil])
    }
}
