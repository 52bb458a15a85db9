/// Request path normalisation done before routing (spec §4.4): when the cleaned path differs
/// from the request's, the proxy answers 301 to the cleaned one.
public enum PathCleaner {
    /// Go's `path.Clean` on a rooted path (collapse `//`, resolve `.` and `..`, never above the
    /// root) that keeps a trailing slash; `""` becomes `"/"`. An already clean path is returned
    /// as is, without allocating.
    public static func clean(_ path: String) -> String {
        if isClean(path) { return path }

        var input = Array(path.utf8)
        if input.first != slash { input.insert(slash, at: 0) }
        var output: [UInt8] = [slash]
        output.reserveCapacity(input.count)

        var index = 1
        while index < input.count {
            let segmentEnd = input[index...].firstIndex(of: slash) ?? input.count
            let segment = input[index..<segmentEnd]
            if segment.isEmpty || segment.elementsEqual([dot]) {
                // "//" and "/./" contribute nothing.
            } else if segment.elementsEqual([dot, dot]) {
                while output.count > 1, output.last != slash { output.removeLast() }
                if output.count > 1 { output.removeLast() }
            } else {
                if output.count > 1 { output.append(slash) }
                output.append(contentsOf: segment)
            }
            index = segmentEnd + 1
        }
        if input.last == slash, output.count > 1 { output.append(slash) }
        return String(decoding: output, as: UTF8.self)
    }

    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    /// Rooted, and no segment is empty (except after a trailing slash), `.` or `..`.
    private static func isClean(_ path: String) -> Bool {
        let bytes = path.utf8
        guard bytes.first == slash else { return false }
        // Bytes of the current segment seen so far: 0, 1 or 2 dots, or "other".
        var segmentLength = 0
        var segmentIsDots = true
        var previousWasSlash = true
        for byte in bytes.dropFirst() {
            if byte == slash {
                if previousWasSlash || (segmentIsDots && segmentLength <= 2) { return false }
                segmentLength = 0
                segmentIsDots = true
                previousWasSlash = true
            } else {
                segmentLength += 1
                segmentIsDots = segmentIsDots && byte == dot
                previousWasSlash = false
            }
        }
        return previousWasSlash || !(segmentIsDots && segmentLength <= 2)
    }
}
