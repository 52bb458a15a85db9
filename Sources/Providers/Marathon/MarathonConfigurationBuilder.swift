import TraefikCore

/// The routes the original's default Marathon template produced (spec §11.3), built directly: one backend per
/// `traefik.backend` value (by default per app) with a server per served task, one frontend per served app with a
/// single route.
public enum MarathonConfigurationBuilder {
    public static func snapshot(from selection: MarathonSelection) -> ProviderSnapshot {
        var configuration = DynamicConfiguration()
        var settingsByApp: [String: MarathonSelection.AppSettings] = [:]
        for app in selection.applications {
            settingsByApp[app.application.id] = app.settings
            let settings = app.settings
            configuration.frontends[MarathonNames.frontend(appID: app.application.id)] = Frontend(
                backend: MarathonNames.backend(suffix: settings.backendSuffix),
                entryPoints: settings.entryPoints,
                passHostHeader: settings.passHostHeader,
                routes: [MarathonNames.route(appID: app.application.id): Route(rule: settings.rule, value: settings.value)])
        }
        for selected in selection.tasks {
            guard let settings = settingsByApp[selected.task.appID] else { continue }
            let backend = MarathonNames.backend(suffix: settings.backendSuffix)
            configuration.backends[backend, default: Backend()].servers[MarathonNames.server(taskID: selected.task.id)] =
                Server(url: "\(settings.scheme)://\(hostInURL(selected.task.host)):\(selected.port)", weight: settings.weight)
        }
        return ProviderSnapshot(configuration: configuration, diagnostics: selection.diagnostics)
    }

    /// An IPv6 task host goes in brackets.
    static func hostInURL(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
