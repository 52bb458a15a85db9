/// One answer of the admin server, before framing: the server adds `Content-Length`, `Date` and
/// `Connection`.
struct AdminResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of `name`, compared case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    static let jsonContentType = "application/json; charset=UTF-8"
    static let plainContentType = "text/plain; charset=utf-8"
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    static func json(_ value: JSONValue) -> AdminResponse {
        AdminResponse(status: 200, headers: [("Content-Type", jsonContentType)], body: value.rendered)
    }

    /// Go's `http.NotFound`.
    static let notFound = AdminResponse(
        status: 404,
        headers: [("Content-Type", plainContentType), ("X-Content-Type-Options", "nosniff")],
        body: Array("404 page not found\n".utf8))

    /// Text written as is (the original's `fmt.Fprintf` answers, no newline added).
    static func text(_ status: Int, _ text: String) -> AdminResponse {
        AdminResponse(status: status, headers: [("Content-Type", plainContentType)], body: Array(text.utf8))
    }

    /// Go's `http.Error`: the text plus a newline.
    static func error(_ status: Int, _ text: String) -> AdminResponse {
        AdminResponse(
            status: status,
            headers: [("Content-Type", plainContentType), ("X-Content-Type-Options", "nosniff")],
            body: Array((text + "\n").utf8))
    }

    /// Go's `http.Redirect` for a GET: a short HTML body with the link.
    static func found(_ location: String) -> AdminResponse {
        AdminResponse(
            status: 302,
            headers: [("Location", location), ("Content-Type", "text/html; charset=utf-8")],
            body: Array("<a href=\"\(location)\">Found</a>.\n\n".utf8))
    }

    /// gorilla/mux's path-cleaning redirect: no body.
    static func movedPermanently(_ location: String) -> AdminResponse {
        AdminResponse(status: 301, headers: [("Location", location)], body: [])
    }
}
