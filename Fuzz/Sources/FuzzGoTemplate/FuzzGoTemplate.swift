import GoTemplate

/// A Go text/template (decision D22) parsed and rendered as a KV provider does it, with stand-ins for the KV
/// functions (List, Get, SplitGet, Last over a small fixed tree) and data of every value kind. Errors are expected;
/// crashes are not. Rendering must not depend on dictionary order: two renders with freshly built (so differently
/// ordered) data must agree, for the main template and every `define`d one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let template = try? GoTemplate(parsing: text, name: "fuzz.tmpl", functions: kvFunctions) else { return 0 }
    for name in template.templateNames {
        let first = Result { try template.render(templateNamed: name, freshData()) }
        let second = Result { try template.render(templateNamed: name, freshData()) }
        switch (first, second) {
        case (.success(let a), .success(let b)) where a == b: continue
        case (.failure(let a), .failure(let b)) where "\(a)" == "\(b)": continue
        default: fatalError("template \(name) rendered differently twice: \(first) / \(second) for \(text.debugDescription)")
        }
    }
    return 0
}

/// Built anew for each render: a new dictionary of the same contents may iterate in another order.
func freshData() -> TemplateValue {
    let servers: [TemplateValue] = (1...3).map { index in
        .map(["URL": .string("http://127.0.0.1:808\(index)"), "Weight": .int(index), "Up": .bool(index != 2)])
    }
    return .map([
        "Prefix": "/traefik",
        "Servers": .list(servers),
        "Labels": .map(Dictionary(uniqueKeysWithValues: (0..<8).map { ("traefik.label\($0)", .string("v\($0)")) })),
        "Count": 3,
        "Ratio": 0.5,
        "Enabled": true,
        "Nothing": nil,
        "Empty": .list([]),
        "Name": "<b>\"web\" & 'api'</b>",
    ])
}

/// The key/value tree the stand-in KV functions read.
let kvTree: [String: String] = [
    "/traefik/backends/backend1/servers/server1/url": "http://127.0.0.1:8081",
    "/traefik/backends/backend1/servers/server1/weight": "10",
    "/traefik/backends/backend1/circuitbreaker/expression": "NetworkErrorRatio() > 0.5",
    "/traefik/backends/backend1/loadbalancer/method": "drr",
    "/traefik/frontends/frontend1/backend": "backend1",
    "/traefik/frontends/frontend1/entrypoints": "http,https",
    "/traefik/frontends/frontend1/routes/test_1/rule": "Host:test.localhost",
]

/// The KV provider's template functions (spec §12B) over `kvTree`.
let kvFunctions = TemplateFunctions([
    "List": { arguments in
        let directory = joined(arguments).hasSuffix("/") ? joined(arguments) : joined(arguments) + "/"
        let children = Set(kvTree.keys.filter { $0.hasPrefix(directory) }.compactMap {
            $0.dropFirst(directory.count).split(separator: "/").first.map { directory + $0 }
        })
        return .list(children.sorted().map { .string($0) })
    },
    "Get": { arguments in
        guard let fallback = arguments.first else { throw StandInError() }
        return .string(kvTree[joined(arguments.dropFirst())] ?? fallback.printed)
    },
    "SplitGet": { arguments in
        .list((kvTree[joined(arguments)] ?? "").split(separator: ",").map { .string(String($0)) })
    },
    "Last": { arguments in
        guard arguments.count == 1 else { throw StandInError() }
        return .string(String(arguments[0].printed.split(separator: "/").last ?? ""))
    },
])

func joined(_ arguments: some Collection<TemplateValue>) -> String {
    arguments.map(\.printed).joined()
}

struct StandInError: Error {}
