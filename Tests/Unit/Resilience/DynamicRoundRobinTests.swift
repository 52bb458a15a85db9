import Testing
import TraefikCore

@Suite("drr: dynamic round robin (spec §6.2, testable E6)")
struct DynamicRoundRobinTests {
    /// Sends one request every `step` from `start` up to (excluding) `end`, answering each with
    /// `status(server, now)`; returns how many each server got.
    @discardableResult
    private func run(
        _ balancer: inout DynamicRoundRobin,
        from start: Duration,
        to end: Duration,
        step: Duration = .milliseconds(10),
        status: (Int, Duration) -> Int
    ) -> [Int] {
        var picks = Array(repeating: 0, count: balancer.originalWeights.count)
        var now = start
        while now < end {
            guard let server = balancer.next() else { break }
            picks[server] += 1
            balancer.record(server: server, status: status(server, now), now: now)
            now += step
        }
        return picks
    }

    /// Records `failures` 500s and `successes` 200s for each server in each second of `seconds`.
    private func feed(
        _ balancer: inout DynamicRoundRobin,
        seconds: Range<Int>,
        perServer: [(failures: Int, successes: Int)]
    ) {
        for second in seconds {
            for (server, counts) in perServer.enumerated() {
                for _ in 0..<counts.failures { balancer.record(server: server, status: 500, now: .seconds(second)) }
                for _ in 0..<counts.successes { balancer.record(server: server, status: 200, now: .seconds(second)) }
            }
        }
    }

    @Test("A slow server (no errors) loses share; servers a few ms apart do not")
    func slowServerLosesShare() {
        var balancer = DynamicRoundRobin(weights: [1, 1, 1])
        var now = Duration.zero
        var picks = [0, 0, 0]
        // 40 s of traffic: server 2 answers in 200 ms, the others in 5 and 8 ms; nothing fails.
        while now < .seconds(40) {
            guard let server = balancer.next() else { break }
            if now >= .seconds(30) { picks[server] += 1 }
            let latency: Duration = server == 2 ? .milliseconds(200) : .milliseconds(server == 0 ? 5 : 8)
            balancer.record(server: server, status: 200, latency: latency, now: now)
            now += .milliseconds(10)
        }
        #expect(balancer.currentWeights[2] < balancer.currentWeights[0])
        #expect(picks[2] * 4 < picks[0], "the slow server kept its share: \(picks)")
        #expect(balancer.currentWeights[0] == balancer.currentWeights[1], "5 ms vs 8 ms is no outlier")
    }

    @Test("A reload that adds a server keeps the measurements of the servers that stay")
    func measurementsSurviveAChangedServerList() {
        var before = DynamicRoundRobin(weights: [1, 1])
        // Server 1 fails half of its requests for 12 s: its meter is ready and bad.
        feed(&before, seconds: 0..<12, perServer: [(0, 10), (5, 5)])
        #expect(before.failureRatios(now: .seconds(11))[1] > 0.4)
        // New list: a new server first, then the two old ones (old index 1 is now index 2).
        var after = DynamicRoundRobin(weights: [1, 1, 1], keepingMeasurementsOf: before, previousIndex: [nil, 0, 1])
        let ratios = after.failureRatios(now: .seconds(11))
        #expect(ratios[0] == 0)
        #expect(ratios[2] > 0.4, "the failing server's measurements were lost")
        #expect(after.currentWeights == [1, 1, 1])
        // Without the carried measurements the new server would need its own 10 s before any rebalancing;
        // the old ones are ready, so once the new one is, the failing server loses share at once.
        feed(&after, seconds: 12..<23, perServer: [(0, 10), (0, 10), (5, 5)])
        #expect(after.currentWeights[2] < after.currentWeights[0])
    }

    @Test("Without failures drr is the plain weighted round robin")
    func plainRoundRobin() {
        var dynamic = DynamicRoundRobin(weights: [3, 0, 1])
        var weighted = WeightedRoundRobin(weights: [3, 0, 1])
        #expect(dynamic.originalWeights == [3, 1, 1])
        for step in 0..<1000 {
            let server = dynamic.next()
            #expect(server == weighted.next())
            dynamic.record(server: server ?? 0, status: 200, now: .milliseconds(50 * step))
        }
        #expect(dynamic.currentWeights == [3, 1, 1])
        var empty = DynamicRoundRobin(weights: [])
        #expect(empty.next() == nil)
        empty.record(server: 0, status: 500, now: .zero)  // ignored
    }

    @Test("One server: nothing to rebalance")
    func singleServer() {
        var balancer = DynamicRoundRobin(weights: [5])
        let picks = run(&balancer, from: .zero, to: .seconds(40)) { _, _ in 500 }
        #expect(picks == [4000])
        #expect(balancer.currentWeights == [5])
    }

    @Test("E6: a failing server loses share in ×4 steps every 10 s, once the meters are ready")
    func weightsShiftAwayFromFailingServer() {
        var balancer = DynamicRoundRobin(weights: [1, 1])
        let failFirst: (Int, Duration) -> Int = { server, _ in server == 0 ? 500 : 200 }
        // Requests alternate, server 0 first. A meter is ready once it has written to 10
        // distinct seconds: server 0's at 9.00 s, server 1's at 9.01 s.
        run(&balancer, from: .zero, to: .milliseconds(9010), status: failFirst)
        #expect(balancer.currentWeights == [1, 1])
        run(&balancer, from: .milliseconds(9010), to: .milliseconds(9020), status: failFirst)
        #expect(balancer.currentWeights == [1, 4])
        // The 10 s backoff holds the weights.
        run(&balancer, from: .milliseconds(9020), to: .milliseconds(19_010), status: failFirst)
        #expect(balancer.currentWeights == [1, 4])
        run(&balancer, from: .milliseconds(19_010), to: .milliseconds(19_020), status: failFirst)
        #expect(balancer.currentWeights == [1, 16])
        let picks = run(&balancer, from: .milliseconds(19_020), to: .seconds(29), status: failFirst)
        #expect(picks[1] > 15 * picks[0])
        #expect(balancer.originalWeights == [1, 1])
    }

    @Test("Good servers' weights grow up to 4096 and no further")
    func weightCap() {
        var balancer = DynamicRoundRobin(weights: [1, 1])
        var history: [[Int]] = []
        for second in 0..<90 {
            feed(&balancer, seconds: second..<(second + 1), perServer: [(1, 0), (0, 1)])
            if history.last != balancer.currentWeights { history.append(balancer.currentWeights) }
        }
        #expect(history == [[1, 1], [1, 4], [1, 16], [1, 64], [1, 256], [1, 1024], [1, 4096]])
    }

    @Test("After the server heals, the weights converge back ÷4 per 10 s to the originals")
    func convergesAfterHealing() {
        var balancer = DynamicRoundRobin(weights: [1, 1])
        run(&balancer, from: .zero, to: .seconds(40)) { server, _ in server == 0 ? 500 : 200 }
        #expect(balancer.currentWeights == [1, 256])
        // Healed at 40 s (the last change was at 39 s). Its failures leave the 10 s window by
        // 50 s; the next check after that divides.
        var history: [[Int]] = []
        var second = 40
        while second < 100 {
            run(&balancer, from: .seconds(second), to: .seconds(second + 1)) { _, _ in 200 }
            if history.last != balancer.currentWeights { history.append(balancer.currentWeights) }
            second += 1
        }
        #expect(history == [[1, 256], [1, 64], [1, 16], [1, 4], [1, 1]])
        #expect(balancer.currentWeights == balancer.originalWeights)
    }

    @Test("Weights sharing a divisor are normalised, and converge back to the configured values")
    func normalisation() {
        var balancer = DynamicRoundRobin(weights: [2, 2, 2])
        feed(&balancer, seconds: 0..<10, perServer: [(4, 0), (0, 4), (0, 4)])
        // Good servers: 2 × 4 = 8; divided by the GCD 2.
        #expect(balancer.currentWeights == [1, 4, 4])
        feed(&balancer, seconds: 20..<31, perServer: [(0, 4), (0, 4), (0, 4)])
        #expect(balancer.currentWeights == [2, 2, 2])
        feed(&balancer, seconds: 31..<60, perServer: [(0, 4), (0, 4), (0, 4)])
        #expect(balancer.currentWeights == [2, 2, 2])
    }

    @Test("Bad means above (median + MAD) × 1.5; an even count adds a 0 to the sample")
    func outlierRule() {
        // Ratings 0.1, 0.1, 0.5: median 0.1, MAD 0 → limit 0.15: the third is bad.
        var three = DynamicRoundRobin(weights: [1, 1, 1])
        feed(&three, seconds: 0..<10, perServer: [(1, 9), (1, 9), (5, 5)])
        #expect(three.currentWeights == [4, 4, 1])
        // Ratings 0.1, 0.2, 0.3: median 0.2, MAD 0.1 → limit 0.45: all good.
        var spread = DynamicRoundRobin(weights: [1, 1, 1])
        feed(&spread, seconds: 0..<10, perServer: [(1, 9), (2, 8), (3, 7)])
        #expect(spread.currentWeights == [1, 1, 1])
        // Ratings 0.2 × 3 and 0.5, plus a 0: median 0.2, MAD 0 → limit 0.3: the fourth is bad.
        var four = DynamicRoundRobin(weights: [1, 1, 1, 1])
        feed(&four, seconds: 0..<10, perServer: [(2, 8), (2, 8), (2, 8), (5, 5)])
        #expect(four.currentWeights == [4, 4, 4, 1])
        // Ratings 0.2 × 4, plus a 0: median 0.2, MAD 0 → limit 0.3: all good.
        var even = DynamicRoundRobin(weights: [1, 1, 1, 1])
        feed(&even, seconds: 0..<10, perServer: [(2, 8), (2, 8), (2, 8), (2, 8)])
        #expect(even.currentWeights == [1, 1, 1, 1])
        #expect(even.failureRatios(now: .seconds(9)).allSatisfy { abs($0 - 0.2) < 1e-9 })
    }

    @Test("A meter is ready after its failure and success counters touched 10 seconds together")
    func meterReadiness() {
        var balancer = DynamicRoundRobin(weights: [1, 1])
        // Both counters of each server write every second: ready after 5 seconds.
        feed(&balancer, seconds: 0..<4, perServer: [(3, 1), (1, 9)])
        #expect(balancer.currentWeights == [1, 1])
        feed(&balancer, seconds: 4..<5, perServer: [(3, 1), (1, 9)])
        #expect(balancer.currentWeights == [1, 4])
    }

    @Test("Old responses leave the 10 s window")
    func meterForgets() {
        var balancer = DynamicRoundRobin(weights: [1, 1])
        feed(&balancer, seconds: 0..<1, perServer: [(5, 0), (0, 5)])
        #expect(balancer.failureRatios(now: .seconds(9)) == [1, 0])
        #expect(balancer.failureRatios(now: .seconds(10)) == [0, 0])
        balancer.record(server: 0, status: 200, now: .seconds(12))
        balancer.record(server: 0, status: 504, now: .seconds(12))
        balancer.record(server: 0, status: 505, now: .seconds(12))  // not counted as a failure
        balancer.record(server: 0, status: 499, now: .seconds(12))
        #expect(balancer.failureRatios(now: .seconds(12)) == [0.25, 0])
    }

    @Test("BackendBalancer: drr records and rebalances, wrr ignores responses; the view shows weights")
    func backendBalancerAndView() throws {
        let servers = [
            BackendServer(name: "a", url: try ServerURL.parse("http://127.0.0.1:8081"), weight: 1),
            BackendServer(name: "b", url: try ServerURL.parse("http://127.0.0.1:8082"), weight: 1),
        ]
        let drrBackend = CompiledBackend(name: "dyn", servers: servers, method: .drr, circuitBreakerExpression: nil)
        let wrrBackend = CompiledBackend(name: "fix", servers: servers, method: .wrr, circuitBreakerExpression: nil)
        var dynamic = BackendBalancer(backend: drrBackend)
        var fixed = BackendBalancer(backend: wrrBackend)
        for step in 0..<1000 {
            let now = Duration.milliseconds(10 * step)
            let nextDynamic = dynamic.next()
            let dynamicPick = try #require(nextDynamic)
            dynamic.record(server: dynamicPick, status: dynamicPick == 0 ? 502 : 200, now: now)
            let nextFixed = fixed.next()
            let fixedPick = try #require(nextFixed)
            fixed.record(server: fixedPick, status: fixedPick == 0 ? 502 : 200, now: now)
        }
        #expect(dynamic.method == .drr && dynamic.currentWeights == [1, 4] && dynamic.originalWeights == [1, 1])
        #expect(fixed.method == .wrr && fixed.currentWeights == [1, 1] && fixed.failureRatios(now: .seconds(10)) == nil)

        let view = BackendHealthView(backend: drrBackend, balancer: dynamic, breaker: nil, now: .milliseconds(9990))
        #expect(view.name == "dyn" && view.method == .drr && view.circuitBreaker == nil)
        #expect(view.servers == [
            .init(name: "a", url: "http://127.0.0.1:8081", originalWeight: 1, currentWeight: 1, failureRatio: 1),
            .init(name: "b", url: "http://127.0.0.1:8082", originalWeight: 1, currentWeight: 4, failureRatio: 0),
        ])
    }
}
