import MallocCounter
import TraefikCore

/// The cases to run: those whose name contains the first argument, or all of them (so that `perf stat` can
/// watch one case alone).
let nameFilter = CommandLine.arguments.dropFirst().first

/// Runs `body` `iterations` times after a warm-up; prints ns and heap allocations per iteration.
func measure(_ name: String, iterations: Int = 2_000_000, _ body: () -> Void) {
    if let nameFilter, !name.contains(nameFilter) { return }
    for _ in 0..<10_000 { body() }
    let clock = ContinuousClock()
    let allocationsBefore = malloc_counter_total()
    let start = clock.now
    for _ in 0..<iterations { body() }
    let elapsed = clock.now - start
    let allocations = malloc_counter_total() - allocationsBefore
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    let perIteration = nanoseconds / Double(iterations)
    let allocationsPerIteration = Double(allocations) / Double(iterations)
    let label = name + String(repeating: " ", count: max(1, 46 - name.count))
    print("\(label)\(String(format: perIteration)) ns/op  \(String(format: allocationsPerIteration)) allocations/op")
}

extension String {
    init(format value: Double) { self = String((value * 100).rounded() / 100) }
}

@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

struct BenchmarkRequest: RoutableRequest {
    let method: String
    let host: String
    let path: String
    func headerValues(named lowercasedName: String) -> [String] { [] }
}

let expression = try! CircuitBreakerExpression.parse("NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(50.0) > 50")
var breaker = CircuitBreaker(expression: expression)
var drr = BackendBalancer(method: .drr, weights: [1, 2, 3])
var now = Duration.seconds(1)
let step = Duration.microseconds(50)
let latency = Duration.milliseconds(2)
measure("breaker admit + drr pick + record (a request)") {
    now += step
    if breaker.admit(now: now) == .pass, let server = drr.next() {
        breaker.record(status: 200, latency: latency, now: now)
        drr.record(server: server, status: 200, now: now)
        blackHole(server)
    }
}

// Background errors on every server: drr rates the servers on each response while a failure is in the window.
var erringBreaker = CircuitBreaker(expression: expression)
var erringDrr = BackendBalancer(method: .drr, weights: [1, 2, 3])
var erringNow = Duration.seconds(1)
var erringRequests = 0
measure("the same with 1 % 502s spread over the servers") {
    erringNow += step
    erringRequests += 1
    let status = erringRequests % 100 == 0 ? 502 : 200
    if erringBreaker.admit(now: erringNow) == .pass, let server = erringDrr.next() {
        erringBreaker.record(status: status, latency: latency, now: erringNow)
        erringDrr.record(server: server, status: status, now: erringNow)
        blackHole(server)
    }
}

var wrr = WeightedRoundRobin(weights: [10, 1])
measure("wrr pick") { blackHole(wrr.next()) }

let matcher = FrontendMatcher(rules: [try! RuleMatcher.compile(rule: "Host", value: "test1.localhost")])
let request = BenchmarkRequest(method: "GET", host: "test1.localhost", path: "/")
measure("Host rule match (literal)") { blackHole(matcher.matches(request)) }
