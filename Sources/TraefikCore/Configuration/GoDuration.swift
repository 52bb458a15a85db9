/// Go's duration syntax (`time.ParseDuration` / `Duration.String`), used by Traefik's
/// configuration for `graceTimeOut`, `providersThrottleDuration` and friends.
public struct GoDuration {
    /// Parses `"300ms"`, `"1.5h"`, `"2h45m"`, `"-10s"`, `"0"`. Units: ns, us, µs, ms, s, m, h.
    /// A number without a unit is an error, except `"0"`, exactly as in Go.
    public static func parse(_ text: String) throws(ValueParseError) -> Duration {
        var scalars = Substring(text).unicodeScalars[...]
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if scalars.elementsEqual("0".unicodeScalars) { return .zero }
        guard !scalars.isEmpty else { throw ValueParseError(input: text, reason: "empty duration") }

        var totalNanoseconds: UInt64 = 0
        while !scalars.isEmpty {
            let integerDigits = scalars.prefix(while: isDigit)
            scalars = scalars.dropFirst(integerDigits.count)
            var fractionDigits = Substring.UnicodeScalarView()[...]
            if scalars.first == "." {
                scalars = scalars.dropFirst()
                fractionDigits = scalars.prefix(while: isDigit)
                scalars = scalars.dropFirst(fractionDigits.count)
            }
            guard !integerDigits.isEmpty || !fractionDigits.isEmpty else {
                throw ValueParseError(input: text, reason: "expected a number")
            }
            let unitText = scalars.prefix { !isDigit($0) && $0 != "." }
            scalars = scalars.dropFirst(unitText.count)
            guard !unitText.isEmpty else {
                throw ValueParseError(input: text, reason: "missing unit (use ns, us, ms, s, m or h)")
            }
            let unitName = String(unitText)
            guard let unit = nanosecondsPerUnit(unitName) else {
                throw ValueParseError(input: text, reason: "unknown unit \"\(unitName)\" (use ns, us, ms, s, m or h)")
            }
            let component = try nanoseconds(integerDigits, fractionDigits, unit: unit, input: text)
            let (sum, overflow) = totalNanoseconds.addingReportingOverflow(component)
            guard !overflow, sum <= maximumMagnitude(negative: negative) else {
                throw ValueParseError(input: text, reason: "duration out of range")
            }
            totalNanoseconds = sum
        }
        // Int64.min's magnitude does not fit in Int64, so negate via the wrapping conversion.
        let signed = negative ? 0 &- Int64(truncatingIfNeeded: totalNanoseconds) : Int64(totalNanoseconds)
        return .nanoseconds(signed)
    }

    /// Formats like Go's `Duration.String`: `"0s"`, `"1.5µs"`, `"300ms"`, `"10s"`, `"1m30s"`, `"2h0m0s"`.
    public static func format(_ duration: Duration) -> String {
        let nanoseconds = saturatingNanoseconds(duration)
        var magnitude = nanoseconds.magnitude
        let sign = nanoseconds < 0 ? "-" : ""
        if magnitude == 0 { return "0s" }
        if magnitude < 1_000 { return "\(sign)\(magnitude)ns" }
        if magnitude < 1_000_000 { return sign + decimal(magnitude, fractionDigits: 3) + "µs" }
        if magnitude < 1_000_000_000 { return sign + decimal(magnitude, fractionDigits: 6) + "ms" }

        var text = decimal(magnitude % 60_000_000_000, fractionDigits: 9) + "s"
        magnitude /= 60_000_000_000
        if magnitude > 0 {
            text = "\(magnitude % 60)m" + text
            magnitude /= 60
            if magnitude > 0 { text = "\(magnitude)h" + text }
        }
        return sign + text
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar >= "0" && scalar <= "9"
    }

    private static func nanosecondsPerUnit(_ unit: String) -> UInt64? {
        switch unit {
        case "ns": 1
        case "us", "\u{00B5}s", "\u{03BC}s": 1_000
        case "ms": 1_000_000
        case "s": 1_000_000_000
        case "m": 60_000_000_000
        case "h": 3_600_000_000_000
        default: nil
        }
    }

    private static func maximumMagnitude(negative: Bool) -> UInt64 {
        negative ? Int64.min.magnitude : UInt64(Int64.max)
    }

    /// `integer.fraction × unit` in nanoseconds; the fraction is truncated like Go does.
    private static func nanoseconds(
        _ integerDigits: Substring.UnicodeScalarView.SubSequence,
        _ fractionDigits: Substring.UnicodeScalarView.SubSequence,
        unit: UInt64,
        input: String
    ) throws(ValueParseError) -> UInt64 {
        var integer: UInt64 = 0
        for digit in integerDigits {
            let (times10, overflow1) = integer.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit.value - 48))
            guard !overflow1, !overflow2 else { throw ValueParseError(input: input, reason: "duration out of range") }
            integer = sum
        }
        let (whole, overflow) = integer.multipliedReportingOverflow(by: unit)
        guard !overflow else { throw ValueParseError(input: input, reason: "duration out of range") }

        var fraction = 0.0
        var scale = 1.0
        // Digits past double precision cannot change a nanosecond count below 2^63.
        for digit in fractionDigits.prefix(18) {
            fraction = fraction * 10 + Double(digit.value - 48)
            scale *= 10
        }
        let fractional = UInt64(fraction * (Double(unit) / scale))
        let (total, fractionOverflow) = whole.addingReportingOverflow(fractional)
        guard !fractionOverflow else { throw ValueParseError(input: input, reason: "duration out of range") }
        return total
    }

    private static func saturatingNanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow1 || overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    /// `value / 10^fractionDigits` as a decimal without trailing zeros: 1500, 3 → "1.5".
    private static func decimal(_ value: UInt64, fractionDigits: Int) -> String {
        var divisor: UInt64 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        let whole = value / divisor
        var fraction = value % divisor
        guard fraction != 0 else { return "\(whole)" }
        var digits = fractionDigits
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let fractionText = String(fraction)
        let padding = String(repeating: "0", count: digits - fractionText.count)
        return "\(whole).\(padding)\(fractionText)"
    }
}
