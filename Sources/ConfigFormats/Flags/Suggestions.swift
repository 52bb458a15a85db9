/// "Did you mean …?" for mistyped flags, keys and commands.
public enum Suggestions {
    /// The candidate closest to `word` by edit distance, ignoring case, when it is close enough to
    /// be a likely typo: one edit for words of up to 3 characters, two up to 6, three beyond. Ties go
    /// to the earlier candidate. Nil when `word` itself is a candidate.
    public static func nearest(to word: String, among candidates: [String]) -> String? {
        let folded = Array(word.lowercased().unicodeScalars)
        let threshold = folded.count <= 3 ? 1 : (folded.count <= 6 ? 2 : 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(folded, Array(candidate.lowercased().unicodeScalars))
            if distance == 0 { return nil }
            if distance <= threshold, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Levenshtein distance: insertions, deletions and substitutions each cost one.
    static func editDistance(_ source: [Unicode.Scalar], _ target: [Unicode.Scalar]) -> Int {
        if source.isEmpty { return target.count }
        if target.isEmpty { return source.count }
        var previous = Array(0...target.count)
        var current = [Int](repeating: 0, count: target.count + 1)
        for (sourceIndex, sourceScalar) in source.enumerated() {
            current[0] = sourceIndex + 1
            for (targetIndex, targetScalar) in target.enumerated() {
                let substitution = previous[targetIndex] + (sourceScalar == targetScalar ? 0 : 1)
                current[targetIndex + 1] = min(substitution, previous[targetIndex + 1] + 1, current[targetIndex] + 1)
            }
            swap(&previous, &current)
        }
        return previous[target.count]
    }
}
