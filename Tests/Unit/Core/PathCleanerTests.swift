import Testing
import TraefikCore

@Suite("Path cleaning (spec §4.4, testable C17)")
struct PathCleanerTests {
    @Test(
        "Paths are cleaned like Go's path.Clean, keeping a trailing slash",
        arguments: [
            ("//foo", "/foo"),
            ("/a/../b", "/b"),
            ("/a/./b/", "/a/b/"),
            ("/..", "/"),
            ("/../..//x", "/x"),
            ("", "/"),
            ("/.", "/"),
            ("/a/..", "/"),
            ("/a/../", "/"),
            ("/a/b/..", "/a"),
            ("/a//b//", "/a/b/"),
            ("a/b", "/a/b"),
            ("/a/...", "/a/..."),
            ("/a/.b/..c", "/a/.b/..c"),
            ("/über//straße", "/über/straße"),
        ]
    )
    func cleans(path: String, expected: String) {
        #expect(PathCleaner.clean(path) == expected)
    }

    @Test("Clean paths come back unchanged", arguments: ["/", "/foo", "/foo/", "/a/b/c", "/a.b/c..d/", "/.well-known/x"])
    func cleanPathsUnchanged(path: String) {
        #expect(PathCleaner.clean(path) == path)
    }
}
