@testable import ForwardingWire
import MallocCounter
import NIOCore
import TraefikCore

/// The cases to run: those whose name contains the first argument, or all of them (so that `perf stat` can
/// watch one case alone).
let nameFilter = CommandLine.arguments.dropFirst().first

/// Runs `body` `iterations` times after a warm-up; prints ns and heap allocations per iteration. Pick `iterations`
/// so that a case runs for about 0.2–1 s in release.
func measure(_ name: String, iterations: Int = 2_000_000, _ body: () -> Void) {
    if let nameFilter, !name.contains(nameFilter) { return }
    for _ in 0..<min(10_000, iterations / 10) { body() }
    let clock = ContinuousClock()
    let allocationsBefore = malloc_counter_total()
    let start = clock.now
    for _ in 0..<iterations { body() }
    let elapsed = clock.now - start
    let allocations = malloc_counter_total() - allocationsBefore
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    let perIteration = nanoseconds / Double(iterations)
    let allocationsPerIteration = Double(allocations) / Double(iterations)
    let label = name + String(repeating: " ", count: max(1, 52 - name.count))
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

// MARK: HTTP/1 request heads, scanned as DownstreamHandler does (ProxyServer's HTTP1 folder)

/// A load-generator style GET head (6 header lines).
let shortHead = Array((
    "GET /index.html?page=2 HTTP/1.1\r\n" + "Host: host05.example.com\r\n" + "User-Agent: wrk/4.2.0\r\n"
        + "Accept: */*\r\n" + "Accept-Encoding: gzip, deflate\r\n" + "Connection: keep-alive\r\n"
        + "X-Request-Id: 7f3c2a9e-5b1d-4e8f-9a6b-0c1d2e3f4a5b\r\n\r\n").utf8)

/// A browser-like GET head (30 header lines).
let longHead = Array((
    "GET /static/app.js?v=20240611 HTTP/1.1\r\n" + "Host: host05.example.com\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        + "Chrome/126.0 Safari/537.36\r\n"
        + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
        + "Accept-Language: en-GB,en;q=0.9,de;q=0.8\r\n" + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
        + "Referer: https://host05.example.com/index.html\r\n"
        + "Cookie: session=3b9f0c1e8a7d4b2f9e6a5c4d3b2a1f0e; theme=dark; consent=1; _ga=GA1.1.123456789.1700000000\r\n"
        + "Connection: keep-alive\r\n" + "Upgrade-Insecure-Requests: 1\r\n" + "Sec-Fetch-Dest: script\r\n"
        + "Sec-Fetch-Mode: no-cors\r\n" + "Sec-Fetch-Site: same-origin\r\n" + "Sec-Fetch-User: ?1\r\n"
        + "Sec-CH-UA: \"Chromium\";v=\"126\", \"Not.A/Brand\";v=\"24\"\r\n" + "Sec-CH-UA-Mobile: ?0\r\n"
        + "Sec-CH-UA-Platform: \"Linux\"\r\n" + "Cache-Control: no-cache\r\n" + "Pragma: no-cache\r\n" + "DNT: 1\r\n"
        + "If-None-Match: \"5d8c72a5edda8d6a\"\r\n" + "If-Modified-Since: Tue, 11 Jun 2024 08:12:31 GMT\r\n"
        + "Priority: u=1\r\n" + "Sec-GPC: 1\r\n" + "X-Request-Id: 7f3c2a9e-5b1d-4e8f-9a6b-0c1d2e3f4a5b\r\n"
        + "X-Forwarded-For: 203.0.113.7\r\n" + "X-Forwarded-Proto: https\r\n" + "X-Real-IP: 203.0.113.7\r\n"
        + "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl\r\n"
        + "Origin: https://host05.example.com\r\n" + "TE: trailers\r\n\r\n").utf8)

let headLimits = HTTPHeadLimits()

/// The head scanned from `bytes`, which must be a complete, valid head with `headerCount` header lines.
func scannedHead(_ bytes: UnsafeRawBufferPointer, headerCount: Int) -> RequestHead {
    let scan = HTTP1Scanner.scanRequest(bytes, limits: headLimits)
    guard case .complete(let head) = scan, head.headers.count == headerCount else {
        fatalError("the benchmark head must scan complete with \(headerCount) header lines: \(scan)")
    }
    return head
}

let shortRequestHead = shortHead.withUnsafeBytes { scannedHead($0, headerCount: 6) }
let longRequestHead = longHead.withUnsafeBytes { scannedHead($0, headerCount: 30) }
var headScan = HeadScanResume()
measure("request head scan (GET, 6 headers)", iterations: 1_000_000) {
    shortHead.withUnsafeBytes { blackHole(HTTP1Scanner.scanRequest($0, limits: headLimits, resume: &headScan)) }
}
measure("request head scan (GET, 30 headers)", iterations: 300_000) {
    longHead.withUnsafeBytes { blackHole(HTTP1Scanner.scanRequest($0, limits: headLimits, resume: &headScan)) }
}

// MARK: Routing tables as the proxy builds them

/// A runtime built as the proxy builds one (ProxyRuntime: each entry point's frontends ordered by
/// `CompiledConfiguration.compile` (D5) and indexed by literal Host or PathPrefix, backends resolved) with the one entry point
/// `http`; every frontend forwards to `backend`, two servers under wrr.
/// - Parameter routes: one route per frontend, by frontend name.
func proxyRuntime(routes: [String: Route]) -> ProxyRuntime {
    let backend = Backend(servers: [
        "server1": Server(url: "http://127.0.0.1:8081", weight: 3),
        "server2": Server(url: "http://127.0.0.1:8082", weight: 1),
    ])
    var frontends: [String: Frontend] = [:]
    for (name, route) in routes {
        frontends[name] = Frontend(backend: "backend", entryPoints: ["http"], routes: ["route": route])
    }
    let compiled = CompiledConfiguration.compile(
        DynamicConfiguration(backends: ["backend": backend], frontends: frontends),
        entryPointNames: ["http"], defaultEntryPoints: [])
    precondition(compiled.diagnostics.isEmpty, "\(compiled.diagnostics)")
    return ProxyRuntime(compiled, entryPoints: ["http"])
}

/// `count` frontends named frontend0001… (zero-padded numbers), each with the route `rule` over `value(number)`;
/// values of equal length keep them in name order.
func numberedRoutes(_ count: Int, rule: String, value: (String) -> String) -> [String: Route] {
    var routes: [String: Route] = [:]
    for number in 1...count {
        let digits = String(number)
        let padded = String(repeating: "0", count: max(0, String(count).count - digits.count)) + digits
        routes["frontend" + padded] = Route(rule: rule, value: value(padded))
    }
    return routes
}

let hostRoutes = proxyRuntime(routes: numberedRoutes(1_000, rule: "Host") { "host\($0).example.com" }).routes["http"]!
let hostRequest = BenchmarkRequest(method: "GET", host: "host0500.example.com", path: "/")
let unknownHostRequest = BenchmarkRequest(method: "GET", host: "unknown.example.com", path: "/")
precondition(
    hostRoutes.firstMatch(hostRequest)?.frontend.name == "frontend0500"
        && hostRoutes.firstMatch(unknownHostRequest) == nil)
measure("route: 1 000 Host frontends, the 500th") {
    blackHole(hostRoutes.firstMatch(hostRequest))
}
measure("route: 1 000 Host frontends, unknown host", iterations: 5_000_000) {
    blackHole(hostRoutes.firstMatch(unknownHostRequest))
}

let prefixRoutes = proxyRuntime(routes: numberedRoutes(1_000, rule: "PathPrefix") { "/service\($0)/" }).routes["http"]!
let prefixRequest = BenchmarkRequest(method: "GET", host: "host05.example.com", path: "/service1000/items/42")
precondition(prefixRoutes.firstMatch(prefixRequest)?.frontend.name == "frontend1000")
measure("route: 1 000 PathPrefix frontends, the last", iterations: 2_000_000) {
    blackHole(prefixRoutes.firstMatch(prefixRequest))
}

// MARK: Head rewrites, as DownstreamHandler writes the upstream request head and the client response head

/// What the proxy adds to a forwarded request on a plain-HTTP entry point.
let facts = ForwardingFacts(clientIP: "198.51.100.23", scheme: "http", serverName: "proxy.example.com")
let chainRuntime = proxyRuntime(routes: numberedRoutes(10, rule: "Host") { "host\($0).example.com" })
let server1 = chainRuntime.backends["backend"]!.targets.first { $0.name == "server1" }!

/// The path and query of a scanned head's target, as DownstreamHandler forwards them.
func pathAndQuery(_ raw: UnsafeRawBufferPointer, _ head: RequestHead) -> Range<Int> {
    RequestTarget.split(raw, target: head.target).pathAndQuery
}

/// The upstream head for `head`, passHostHeader off (Træfik's default: Host is the server's authority).
func rewrittenRequest(_ bytes: [UInt8], _ head: RequestHead, into out: inout ByteBuffer) {
    bytes.withUnsafeBytes { raw in
        RequestHeadRewriter.write(
            head, from: raw, pathAndQuery: pathAndQuery(raw, head), target: server1, passHostHeader: false,
            facts: facts, into: &out)
    }
}

var upstreamHead = ByteBufferAllocator().buffer(capacity: 2048)
rewrittenRequest(shortHead, shortRequestHead, into: &upstreamHead)
precondition(
    String(buffer: upstreamHead)
        == "GET /index.html?page=2 HTTP/1.1\r\nHost: 127.0.0.1:8081\r\nUser-Agent: wrk/4.2.0\r\nAccept: */*\r\n"
        + "Accept-Encoding: gzip, deflate\r\nX-Request-Id: 7f3c2a9e-5b1d-4e8f-9a6b-0c1d2e3f4a5b\r\n"
        + "X-Forwarded-For: 198.51.100.23\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: host05.example.com\r\n"
        + "X-Forwarded-Server: proxy.example.com\r\n\r\n", String(buffer: upstreamHead))
upstreamHead.clear()
rewrittenRequest(longHead, longRequestHead, into: &upstreamHead)
let longUpstreamHead = String(buffer: upstreamHead)
precondition(
    longUpstreamHead.contains("\r\nX-Forwarded-For: 203.0.113.7, 198.51.100.23\r\n")
        && longUpstreamHead.contains("\r\nX-Forwarded-Proto: https\r\n") && !longUpstreamHead.contains("\r\nTE:")
        && !longUpstreamHead.contains("\r\nConnection:"), longUpstreamHead)

// Written as DownstreamHandler writes them, into the event loop's HeadBuffers: the buffer is reused once the
// previous head is released, so these measure the rewrite alone.
let headBuffers = HeadBuffers()
measure("request head rewrite (6 headers)", iterations: 1_000_000) {
    blackHole(headBuffers.write(capacity: shortRequestHead.headLength + 192) { out in
        rewrittenRequest(shortHead, shortRequestHead, into: &out)
    })
}
measure("request head rewrite (30 headers)", iterations: 500_000) {
    blackHole(headBuffers.write(capacity: longRequestHead.headLength + 192) { out in
        rewrittenRequest(longHead, longRequestHead, into: &out)
    })
}

/// An nginx static-file response head (8 header lines).
let responseHeadBytes = Array((
    "HTTP/1.1 200 OK\r\n" + "Server: nginx/1.24.0\r\n" + "Date: Tue, 11 Jun 2024 08:12:31 GMT\r\n"
        + "Content-Type: text/html\r\n" + "Content-Length: 612\r\n"
        + "Last-Modified: Tue, 11 Apr 2023 01:45:34 GMT\r\n" + "Connection: keep-alive\r\n"
        + "ETag: \"6434bbbe-264\"\r\n" + "Accept-Ranges: bytes\r\n\r\n").utf8)
let responseHead = responseHeadBytes.withUnsafeBytes { raw in
    let scan = HTTP1Scanner.scanResponse(raw, requestWasHEAD: false, limits: headLimits)
    guard case .complete(let head) = scan, head.headers.count == 8 else {
        fatalError("the benchmark response head must scan complete with 8 header lines: \(scan)")
    }
    return head
}
/// The client head for `responseHead`, to an HTTP/1.1 client on a kept-alive connection.
func rewrittenResponse(into out: inout ByteBuffer) -> ResponseBodyMode {
    responseHeadBytes.withUnsafeBytes { raw in
        ResponseHeadRewriter.write(
            responseHead, from: raw, clientMinorVersion: 1, closeClient: false, switchingProtocols: false, into: &out)
    }
}

var clientHead = ByteBufferAllocator().buffer(capacity: 1024)
precondition(rewrittenResponse(into: &clientHead) == .passThrough)
precondition(
    String(buffer: clientHead)
        == String(decoding: responseHeadBytes, as: UTF8.self).replacing("Connection: keep-alive\r\n", with: ""),
    String(buffer: clientHead))
measure("response head rewrite (8 headers, HTTP/1.1 client)") {
    clientHead.clear()
    blackHole((rewrittenResponse(into: &clientHead), clientHead))
}

// MARK: The access-log line (Combined Log Format), as DownstreamHandler builds and appends it per request

// The buffer writes its lines out when they reach 64 KiB: here one write(2) to /dev/null per some 300 lines.
let accessLog = AccessLogBuffer(file: try! AccessLogFile(path: "/dev/null"))

/// The line for `head`: the entry at the request's start, then its status and body bytes, appended at its end.
func logLine(_ bytes: [UInt8], _ head: RequestHead) {
    bytes.withUnsafeBytes { raw in
        var entry = AccessLogEntry(clientIP: facts.clientIP, time: accessLog.timestamp(), head: head, raw: raw)
        entry.status = 200
        entry.bytes = 612
        accessLog.append(entry)
    }
}

shortHead.withUnsafeBytes { raw in
    let entry = AccessLogEntry(clientIP: facts.clientIP, time: "[t]", head: shortRequestHead, raw: raw)
    precondition(
        entry.prefix == "198.51.100.23 - - [t] \"GET /index.html?page=2 HTTP/1.1\" "
            && entry.suffix == " \"-\" \"wrk/4.2.0\"\n", entry.prefix + entry.suffix)
}
longHead.withUnsafeBytes { raw in
    let entry = AccessLogEntry(clientIP: facts.clientIP, time: "[t]", head: longRequestHead, raw: raw)
    precondition(entry.suffix.hasPrefix(" \"https://host05.example.com/index.html\" \"Mozilla/5.0 "), entry.suffix)
}
measure("access-log line (6 headers)", iterations: 500_000) { logLine(shortHead, shortRequestHead) }
measure("access-log line (30 headers)", iterations: 300_000) { logLine(longHead, longRequestHead) }

// MARK: One request's work, in DownstreamHandler's order (route(_:_:runtime:), then the upstream head)

let chainRoutes = chainRuntime.routes["http"]!
let host05Frontend = chainRoutes.frontends[4]
precondition(host05Frontend.frontend.name == "frontend05")
var chainScan = HeadScanResume()
var chainHead = ByteBufferAllocator().buffer(capacity: 2048)
measure("head scan + route (10 Hosts) + wrr pick + rewrite", iterations: 300_000) {
    shortHead.withUnsafeBytes { raw in
        guard case .complete(let head) = HTTP1Scanner.scanRequest(raw, limits: headLimits, resume: &chainScan),
            let hostRange = head.host
        else { fatalError("the benchmark head scans complete with a Host") }
        let target = RequestTarget.split(raw, target: head.target)
        let pathAndQuery = target.pathAndQuery
        guard let path = RequestTarget.decodePath(raw, path: target.pathBytes) else { fatalError("bad path") }
        // The head's Host carries no port, so it is the routing host as sent.
        let request = BenchmarkRequest(
            method: String(decoding: UnsafeRawBufferPointer(rebasing: raw[head.method]), as: UTF8.self),
            host: String(decoding: UnsafeRawBufferPointer(rebasing: raw[hostRange]), as: UTF8.self),
            path: path)
        guard let routed = chainRoutes.firstMatch(request), routed === host05Frontend,
            let backend = routed.backend
        else { fatalError("the request routes to host05's frontend, which has a backend") }
        let now = backend.needsFeedback ? MonotonicNow.duration() : .zero
        guard case .server(let server, _) = backend.pick(now: now) else { fatalError("the backend has servers") }
        chainHead.clear()
        RequestHeadRewriter.write(
            head, from: raw, pathAndQuery: pathAndQuery, target: server, passHostHeader: routed.passHostHeader,
            facts: facts, into: &chainHead)
        blackHole(chainHead)
    }
}
