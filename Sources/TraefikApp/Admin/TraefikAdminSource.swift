#if canImport(Glibc)
import Glibc
#endif
import AdminAPI
import Foundation
import ProxyServer
import TraefikCore

/// What the web API reads: the watcher's configurations, the data path's counters and live state.
extension Traefik: AdminDataSource {
    public func providerConfigurations() async -> [ProviderName: DynamicConfiguration] {
        await watcherConfigurations()
    }

    public func replaceWebConfiguration(_ configuration: DynamicConfiguration) async {
        replaceWeb(configuration)
    }

    public func healthCounters() async -> HealthCounters {
        let traffic = await proxy.traffic()
        return HealthCounters(
            pid: getpid(), started: processStarted, statusCodeCounts: traffic.statusCodeCounts,
            totalStatusCodeCounts: traffic.totalStatusCodeCounts,
            totalResponseTime: .nanoseconds(traffic.totalResponseNanoseconds))
    }

    public func prometheusText() async -> String {
        let traffic = await proxy.traffic()
        var out = traffic.prometheusLines()
        out += "# HELP traefik_open_connections Client connections (HTTP/1 connections, HTTP/2 connections and streams).\n"
        out += "# TYPE traefik_open_connections gauge\n"
        out += "traefik_open_connections \(await proxy.openConnections())\n"
        out += "# HELP traefik_config_reloads_total Configurations published since start.\n"
        out += "# TYPE traefik_config_reloads_total counter\n"
        out += "traefik_config_reloads_total \(configurationsApplied)\n"
        out += "# HELP traefik_config_reloads_failure_total Provider updates refused (invalid or unavailable).\n"
        out += "# TYPE traefik_config_reloads_failure_total counter\n"
        out += "traefik_config_reloads_failure_total \(rejectedUpdates)\n"
        if let last = lastReloadTime {
            out += "# HELP traefik_config_last_reload_success_timestamp_seconds When the last configuration was published.\n"
            out += "# TYPE traefik_config_last_reload_success_timestamp_seconds gauge\n"
            out += "traefik_config_last_reload_success_timestamp_seconds \(last.timeIntervalSince1970)\n"
        }
        let views = proxy.store.runtime.healthViews()
        if views.contains(where: { $0.circuitBreaker != nil }) {
            out += "# HELP traefik_backend_circuit_breaker_state 0 standby, 1 tripped, 2 recovering.\n"
            out += "# TYPE traefik_backend_circuit_breaker_state gauge\n"
            for view in views {
                guard let breaker = view.circuitBreaker else { continue }
                let state = switch breaker.status {
                case .standby: 0
                case .tripped: 1
                case .recovering: 2
                }
                out += "traefik_backend_circuit_breaker_state{backend=\"\(TrafficSnapshot.label(view.name))\"} \(state)\n"
            }
        }
        return out
    }

    public func backendStates() async -> [String: BackendHealthView] {
        Dictionary(uniqueKeysWithValues: proxy.store.runtime.healthViews().map { ($0.name, $0) })
    }

    public func diagnostics() async -> [ConfigDiagnostic] {
        currentDiagnostics
    }
}
