/// The static web dashboard served under `/dashboard/`: one HTML page, one script and one
/// stylesheet, compiled into the binary so the dashboard works offline with no build toolchain.
enum DashboardAssets {
    /// The asset for `path`, relative to `/dashboard/` (`""` and `"index.html"` are the page),
    /// or `nil` when no such asset exists.
    static func lookup(_ path: String) -> (contentType: String, body: String)? {
        switch path {
        case "", "index.html":
            return (contentType: "text/html; charset=utf-8", body: DashboardIndexHTML.body)
        case "app.js":
            return (contentType: "text/javascript; charset=utf-8", body: DashboardScript.body)
        case "style.css":
            return (contentType: "text/css; charset=utf-8", body: DashboardStyle.body)
        default:
            return nil
        }
    }
}
