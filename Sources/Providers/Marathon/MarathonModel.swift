import Foundation

/// A Marathon application as `GET /v2/apps` describes it: only the fields the provider reads.
public struct MarathonApplication: Sendable, Equatable, Decodable {
    public var id: String
    public var labels: [String: String]
    /// The app's service ports (`ports`, or `portDefinitions[].port` in later Marathon versions).
    public var ports: [Int]
    /// How many health checks the app defines; with any, only tasks whose every check is alive are served.
    public var healthCheckCount: Int

    public init(id: String, labels: [String: String] = [:], ports: [Int] = [], healthCheckCount: Int = 0) {
        self.id = id
        self.labels = labels
        self.ports = ports
        self.healthCheckCount = healthCheckCount
    }

    private enum CodingKeys: String, CodingKey {
        case id, labels, ports, portDefinitions, healthChecks
    }

    private struct PortDefinition: Decodable {
        var port: Int?
    }

    /// Health checks are counted, not interpreted.
    private struct AnyHealthCheck: Decodable {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        if let ports = try container.decodeIfPresent([Int].self, forKey: .ports) {
            self.ports = ports
        } else {
            let definitions = try container.decodeIfPresent([PortDefinition].self, forKey: .portDefinitions) ?? []
            ports = definitions.map { $0.port ?? 0 }
        }
        healthCheckCount = try container.decodeIfPresent([AnyHealthCheck].self, forKey: .healthChecks)?.count ?? 0
    }
}

/// A running task as `GET /v2/tasks?status=running` describes it.
public struct MarathonTask: Sendable, Equatable, Decodable {
    public var id: String
    public var appID: String
    public var host: String
    public var ports: [Int]
    /// One entry per health check that has reported; `alive` is its last verdict.
    public var healthCheckResults: [Bool]

    public init(id: String, appID: String, host: String, ports: [Int], healthCheckResults: [Bool] = []) {
        self.id = id
        self.appID = appID
        self.host = host
        self.ports = ports
        self.healthCheckResults = healthCheckResults
    }

    private enum CodingKeys: String, CodingKey {
        case id, appId, host, ports, healthCheckResults
    }

    private struct HealthCheckResult: Decodable {
        var alive: Bool?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        appID = try container.decode(String.self, forKey: .appId)
        host = try container.decodeIfPresent(String.self, forKey: .host) ?? ""
        ports = try container.decodeIfPresent([Int].self, forKey: .ports) ?? []
        healthCheckResults = try container.decodeIfPresent([HealthCheckResult].self, forKey: .healthCheckResults)?
            .map { $0.alive ?? false } ?? []
    }
}

/// The two listings one reload reads.
public struct MarathonState: Sendable, Equatable {
    public var applications: [MarathonApplication]
    public var tasks: [MarathonTask]

    public init(applications: [MarathonApplication], tasks: [MarathonTask]) {
        self.applications = applications
        self.tasks = tasks
    }

    private struct AppsPage: Decodable { var apps: [MarathonApplication] }
    private struct TasksPage: Decodable { var tasks: [MarathonTask] }

    public static func decodeApplications(_ body: [UInt8]) throws -> [MarathonApplication] {
        try JSONDecoder().decode(AppsPage.self, from: Data(body)).apps
    }

    public static func decodeTasks(_ body: [UInt8]) throws -> [MarathonTask] {
        try JSONDecoder().decode(TasksPage.self, from: Data(body)).tasks
    }
}
