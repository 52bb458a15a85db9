@testable import AdminAPI
import Testing

@Suite("Dashboard assets")
struct DashboardAssetsTests {
    @Test("every asset resolves with a content type that names its charset", arguments: [
        ("", "text/html"),
        ("index.html", "text/html"),
        ("app.js", "text/javascript"),
        ("style.css", "text/css"),
    ])
    func assetResolves(path: String, mediaType: String) throws {
        let asset = try #require(DashboardAssets.lookup(path))
        #expect(asset.contentType == "\(mediaType); charset=utf-8")
        #expect(!asset.body.isEmpty)
    }

    @Test("the root path and index.html are the same page")
    func rootIsIndex() throws {
        let root = try #require(DashboardAssets.lookup(""))
        let index = try #require(DashboardAssets.lookup("index.html"))
        #expect(root.body == index.body)
        #expect(root.body.hasPrefix("<!doctype html>"))
    }

    @Test("unknown paths are not assets", arguments: ["missing.js", "/app.js", "app.js/", "../app.js", "APP.JS", "index.htm"])
    func unknownPathIsNil(path: String) {
        #expect(DashboardAssets.lookup(path) == nil)
    }

    @Test("the page loads the script and the stylesheet with relative URLs")
    func indexLinksAssets() throws {
        let page = try #require(DashboardAssets.lookup("index.html")).body
        #expect(page.contains(#"<script src="app.js" defer></script>"#))
        #expect(page.contains(#"<link rel="stylesheet" href="style.css">"#))
    }

    @Test("the page carries the ids the browser check relies on")
    func indexHasStableIDs() throws {
        let page = try #require(DashboardAssets.lookup("index.html")).body
        for id in ["providers", "health", "response-time-chart", "status-code-chart", "error-banner"] {
            #expect(page.contains(#"id="\#(id)""#), "missing id \(id)")
        }
    }

    @Test("the script polls the API, never evaluates strings and never writes HTML")
    func scriptIsSafe() throws {
        let script = try #require(DashboardAssets.lookup("app.js")).body
        #expect(script.contains("/api/providers"))
        #expect(script.contains("/api/diagnostics"))
        #expect(script.contains(#""../health""#))
        for forbidden in ["eval(", "new Function", "innerHTML", "outerHTML", "document.write", "insertAdjacentHTML"] {
            #expect(!script.contains(forbidden), "script contains \(forbidden)")
        }
    }

    @Test("the script polls at the original dashboard's periods")
    func scriptPollingPeriods() throws {
        let script = try #require(DashboardAssets.lookup("app.js")).body
        #expect(script.contains("PROVIDERS_PERIOD_MS = 2000"))
        #expect(script.contains("HEALTH_PERIOD_MS = 3000"))
        #expect(script.contains("HISTORY_LENGTH = 100"))
    }

    @Test("nothing is loaded from outside the server, so the dashboard works offline")
    func noExternalResources() throws {
        for path in ["index.html", "app.js", "style.css"] {
            let body = try #require(DashboardAssets.lookup(path)).body
            #expect(!body.contains("https://"), "\(path) references https://")
            #expect(!body.contains("@import"), "\(path) imports a stylesheet")
            #expect(!body.contains("//cdn"), "\(path) references a CDN")
        }
    }
}
