/// A compiled regular expression that can be shared by every event loop.
///
/// `Regex` is an immutable value, but the standard library does not mark it `Sendable`. Its one
/// piece of lazy state, the lowered matching program, is published with an atomic
/// compare-and-swap (swift-experimental-string-processing, `Regex.Program.loweredProgram`), so
/// concurrent matching is safe. A class, so that a rule condition holding one is a single reference: with the
/// `Regex` struct inline, every switch over a condition copied it through runtime value witnesses (~100 ns per
/// rule tested, measured with `make bench-micro`).
final class SendableRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>

    /// Go's RE2 matches Unicode scalars, not grapheme clusters; so do we. RE2's `(?P<name>…)`
    /// group syntax is understood by Swift's regex parser as is.
    init(_ pattern: String) throws {
        regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
    }
}
