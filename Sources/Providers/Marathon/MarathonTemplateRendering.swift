import GoTemplate
import TraefikCore

/// `filename = "marathon.tmpl"` (spec §12B, decision D22): the original's template data and functions over the
/// served apps and tasks. Apps and tasks the selection left out (bad labels, failing health checks) are not in the
/// data, so the functions only ever see valid label values.
enum MarathonTemplateRendering {
    static func event(templateFile: String, selection: MarathonSelection, domain: String) -> ProviderEvent {
        ProviderTemplate.event(
            templateFile: templateFile, data: data(selection, domain: domain), functions: functions(selection))
    }

    /// `.Applications`, `.Tasks` and `.Domain`, with Go's field names.
    static func data(_ selection: MarathonSelection, domain: String) -> TemplateValue {
        .map([
            "Applications": .list(selection.applications.map { app in
                let application = app.application
                return .map([
                    "ID": .string(application.id),
                    "Labels": .map(application.labels.mapValues { .string($0) }),
                    "Ports": .list(application.ports.map { .int($0) }),
                ])
            }),
            "Tasks": .list(selection.tasks.map { selected in
                let task = selected.task
                return .map([
                    "ID": .string(task.id),
                    "AppID": .string(task.appID),
                    "Host": .string(task.host),
                    "Ports": .list(task.ports.map { .int($0) }),
                    "HealthCheckResults": .list(task.healthCheckResults.map { .map(["Alive": .bool($0)]) }),
                ])
            }),
            "Domain": .string(domain),
        ])
    }

    /// The Marathon functions of spec §12B. Task functions take `task apps` (the apps argument is accepted and not
    /// needed: the app is found by the task's `AppID`); app functions take `app`.
    static func functions(_ selection: MarathonSelection) -> TemplateFunctions {
        var settings: [String: MarathonSelection.AppSettings] = [:]
        for app in selection.applications { settings[app.application.id] = app.settings }
        var ports: [String: Int] = [:]
        for selected in selection.tasks { ports[selected.task.id] = selected.port }
        let lookup = MarathonTemplateLookup(settings: settings, ports: ports)
        return TemplateFunctions([
            "getBackend": { try .string(lookup.taskApp($0, "getBackend").backendSuffix) },
            "getPort": { try .string(String(lookup.port($0))) },
            "getWeight": { try .string(String(lookup.taskApp($0, "getWeight").weight)) },
            "getProtocol": { try .string(lookup.taskApp($0, "getProtocol").scheme) },
            "getDomain": { try .string(lookup.app($0, "getDomain").domain) },
            "getPassHostHeader": { try .string(String(lookup.app($0, "getPassHostHeader").passHostHeader)) },
            "getEntryPoints": { try .list(lookup.app($0, "getEntryPoints").entryPoints.map { .string($0) }) },
            "getFrontendValue": { try .string(lookup.app($0, "getFrontendValue").value) },
            "getFrontendRule": { try .string(lookup.app($0, "getFrontendRule").rule) },
            "getFrontendBackend": { try .string(lookup.app($0, "getFrontendBackend").backendSuffix) },
            "replace": ProviderTemplate.replace,
        ])
    }
}

/// Finds the settings behind a task or app value passed to a template function.
private struct MarathonTemplateLookup: Sendable {
    let settings: [String: MarathonSelection.AppSettings]
    let ports: [String: Int]

    func taskApp(_ arguments: [TemplateValue], _ function: String) throws -> MarathonSelection.AppSettings {
        guard arguments.count == 2, let appID = arguments[0].asMap?["AppID"]?.asString else {
            throw TemplateFunctionError("\(function) takes a task and the applications")
        }
        guard let found = settings[appID] else { throw TemplateFunctionError("\(function): no app \(appID)") }
        return found
    }

    func port(_ arguments: [TemplateValue]) throws -> Int {
        guard arguments.count == 2, let taskID = arguments[0].asMap?["ID"]?.asString else {
            throw TemplateFunctionError("getPort takes a task and the applications")
        }
        guard let port = ports[taskID] else { throw TemplateFunctionError("getPort: no task \(taskID)") }
        return port
    }

    func app(_ arguments: [TemplateValue], _ function: String) throws -> MarathonSelection.AppSettings {
        guard arguments.count == 1, let appID = arguments[0].asMap?["ID"]?.asString else {
            throw TemplateFunctionError("\(function) takes an application")
        }
        guard let found = settings[appID] else { throw TemplateFunctionError("\(function): no app \(appID)") }
        return found
    }
}
