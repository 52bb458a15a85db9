import TraefikCore

/// Which Marathon apps and tasks are served, with every setting their labels give (spec §11.2, §11.3).
///
/// As the original: tasks without ports, of unknown or `traefik.enable=false` apps, or failing health checks are left
/// out silently. Unlike the original, a label with a bad value (`traefik.weight=abc`, `traefik.portIndex=x`,
/// `traefik.frontend.passHostHeader=yes`, …) disables only its app, or its task, with a diagnostic naming both;
/// the original rendered such values into the TOML and lost the whole Marathon configuration.
public struct MarathonSelection: Sendable, Equatable {
    /// The label values of one served app, validated.
    public struct AppSettings: Sendable, Equatable {
        /// What follows `backend` in the backend name: `traefik.backend`, or the app ID with `/` → `-`.
        public var backendSuffix: String
        public var scheme: String
        public var weight: Int
        public var passHostHeader: Bool
        public var entryPoints: [String]
        public var rule: String
        public var value: String
        /// `traefik.domain`, or the provider's domain.
        public var domain: String
    }

    public struct SelectedApp: Sendable, Equatable {
        public var application: MarathonApplication
        public var settings: AppSettings
    }

    public struct SelectedTask: Sendable, Equatable {
        public var task: MarathonTask
        public var port: Int
    }

    /// Served apps (at least one served task each), in Marathon's order.
    public var applications: [SelectedApp] = []
    /// Served tasks, in Marathon's order.
    public var tasks: [SelectedTask] = []
    public var diagnostics: [ConfigDiagnostic] = []

    public init(_ state: MarathonState, domain: String) {
        var settingsByApp: [String: AppSettings] = [:]
        var applicationsByID: [String: MarathonApplication] = [:]
        for application in state.applications where application.labels["traefik.enable"] != "false" {
            applicationsByID[application.id] = application
            switch Self.settings(of: application, domain: domain) {
            case .success(let settings): settingsByApp[application.id] = settings
            case .failure(let problem): diagnose(application, problem)
            }
        }
        var servedApps: Set<String> = []
        for task in state.tasks where !task.ports.isEmpty {
            guard let application = applicationsByID[task.appID], settingsByApp[task.appID] != nil,
                Self.isHealthy(task, of: application)
            else { continue }
            switch Self.port(of: task, application) {
            case .success(let port):
                tasks.append(SelectedTask(task: task, port: port))
                servedApps.insert(application.id)
            case .failure(let problem):
                diagnostics.append(ConfigDiagnostic(
                    keyPath: "backends.backend\(settingsByApp[task.appID]?.backendSuffix ?? "")",
                    message: "app \(application.id), task \(task.id): \(problem.message); the task is not served",
                    provider: .marathon))
            }
        }
        applications = state.applications.compactMap { application in
            guard servedApps.contains(application.id), let settings = settingsByApp[application.id] else { return nil }
            return SelectedApp(application: application, settings: settings)
        }
    }

    struct Problem: Error {
        var message: String
    }

    private mutating func diagnose(_ application: MarathonApplication, _ problem: Problem) {
        diagnostics.append(ConfigDiagnostic(
            keyPath: "frontends.\(MarathonNames.frontend(appID: application.id))",
            message: "app \(application.id): \(problem.message); the app is not served",
            provider: .marathon))
    }

    /// A task of an app with health checks is served once every check has reported, and all say alive.
    static func isHealthy(_ task: MarathonTask, of application: MarathonApplication) -> Bool {
        guard application.healthCheckCount > 0 else { return true }
        return !task.healthCheckResults.isEmpty && task.healthCheckResults.allSatisfy { $0 }
    }

    static func settings(of application: MarathonApplication, domain: String) -> Result<AppSettings, Problem> {
        let labels = application.labels
        func bad(_ label: String, _ expected: String) -> Problem {
            Problem(message: "label \(label) = \"\(labels[label] ?? "")\" is not \(expected)")
        }
        let portIndex = labels["traefik.portIndex"]
        let port = labels["traefik.port"]
        if portIndex != nil && port != nil {
            return .failure(Problem(message: "labels traefik.portIndex and traefik.port are both set"))
        }
        if let portIndex {
            guard let index = Int(portIndex) else { return .failure(bad("traefik.portIndex", "an integer")) }
            guard application.ports.indices.contains(index) else {
                return .failure(bad("traefik.portIndex", "an index of the app's \(application.ports.count) ports"))
            }
        }
        if let port, Int(port) == nil { return .failure(bad("traefik.port", "an integer")) }
        if portIndex == nil && port == nil && application.ports.count > 1 {
            return .failure(Problem(
                message: "the app has \(application.ports.count) ports and neither traefik.portIndex nor traefik.port"))
        }
        let scheme = labels["traefik.protocol"] ?? "http"
        guard scheme == "http" || scheme == "https" else { return .failure(bad("traefik.protocol", "http or https")) }
        var weight = 0
        if let text = labels["traefik.weight"] {
            guard let parsed = Int(text) else { return .failure(bad("traefik.weight", "an integer")) }
            weight = parsed
        }
        var passHostHeader = false
        if let text = labels["traefik.frontend.passHostHeader"] {
            guard let parsed = Bool(text) else {
                return .failure(bad("traefik.frontend.passHostHeader", "true or false"))
            }
            passHostHeader = parsed
        }
        let entryPoints = (labels["traefik.frontend.entryPoints"] ?? "").split(separator: ",")
            .map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        let domain = labels["traefik.domain"] ?? domain
        return .success(AppSettings(
            backendSuffix: labels["traefik.backend"] ?? MarathonNames.dashed(application.id),
            scheme: scheme,
            weight: weight,
            passHostHeader: passHostHeader,
            entryPoints: entryPoints,
            rule: labels["traefik.frontend.rule"] ?? "Host",
            value: labels["traefik.frontend.value"] ?? MarathonNames.escaped(application.id) + "." + domain,
            domain: domain))
    }

    /// `traefik.portIndex` picks among the task's ports, `traefik.port` must be one of them, else the first port.
    /// The labels themselves were checked with the app.
    static func port(of task: MarathonTask, _ application: MarathonApplication) -> Result<Int, Problem> {
        if let index = application.labels["traefik.portIndex"].flatMap({ Int($0) }) {
            guard task.ports.indices.contains(index) else {
                return .failure(Problem(message: "traefik.portIndex = \(index) but the task has \(task.ports.count) ports"))
            }
            return .success(task.ports[index])
        }
        if let port = application.labels["traefik.port"].flatMap({ Int($0) }) {
            guard task.ports.contains(port) else {
                return .failure(Problem(message: "traefik.port = \(port) is not one of the task's ports \(task.ports)"))
            }
            return .success(port)
        }
        return .success(task.ports[0])
    }
}

/// The generated names of spec §11.3.
public enum MarathonNames {
    /// `/group/app` → `-group-app`: the app ID in backend, frontend and route names.
    public static func dashed(_ appID: String) -> String {
        appID.replacingAll("/", with: "-")
    }

    /// `/group/app` → `group-app`: the app ID in the default host name.
    public static func escaped(_ appID: String) -> String {
        let trimmed = appID.hasPrefix("/") ? String(appID.dropFirst()) : appID
        return trimmed.replacingAll("/", with: "-")
    }

    public static func backend(suffix: String) -> String { "backend" + suffix }
    public static func frontend(appID: String) -> String { "frontend" + dashed(appID) }
    public static func route(appID: String) -> String { "route-host" + dashed(appID) }
    public static func server(taskID: String) -> String { "server-" + taskID.replacingAll(".", with: "-") }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }

    fileprivate var trimmingSpaces: String {
        var view = self[...]
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
