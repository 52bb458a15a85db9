/// A circuit breaker's trip condition (spec §7.1), parsed and type-checked when the configuration
/// loads (D7) so that a request never meets a bad expression.
///
/// The language is a subset of Go expressions: comparisons `function op literal` joined by `&&`
/// and `||` (also written AND, OR; comparisons also EQ, NEQ, LT, LE, GT, GE), with parentheses
/// and Go precedence (comparisons, then `&&`, then `||`). The functions are
/// `NetworkErrorRatio()` and `ResponseCodeRatio(a1, a2, b1, b2)`, compared with float literals,
/// and `LatencyAtQuantileMS(q)` with a float quantile, compared with integer literals.
public struct CircuitBreakerExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as configured.
    public let text: String
    public let condition: CircuitBreakerCondition

    public static func parse(_ text: String) throws(ExpressionError) -> CircuitBreakerExpression {
        var parser = ExpressionParser(text)
        return CircuitBreakerExpression(text: text, condition: try parser.parseExpression())
    }

    /// Whether the breaker should trip for these metric values.
    public func evaluate(_ metrics: some CircuitBreakerMetricSource) -> Bool {
        condition.evaluate(metrics)
    }

    public var description: String { text }
}

/// Why an expression was rejected.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is: a 0-based offset in Unicode scalars (the column on one line).
    public let position: Int
    /// What was expected and what was found, for a log line.
    public let message: String

    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "\(message) at column \(position)" }
}

public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    public func holds<Value: Comparable>(_ lhs: Value, _ rhs: Value) -> Bool {
        switch self {
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        }
    }
}

/// A parsed expression: every comparison has its function on the left and a literal of the
/// function's type on the right.
public indirect enum CircuitBreakerCondition: Sendable, Hashable {
    case networkErrorRatio(ComparisonOperator, Double)
    case responseCodeRatio(StatusCodeRange, StatusCodeRange, ComparisonOperator, Double)
    case latencyAtQuantileMS(quantile: Double, ComparisonOperator, Int)
    case and(CircuitBreakerCondition, CircuitBreakerCondition)
    case or(CircuitBreakerCondition, CircuitBreakerCondition)

    /// Evaluates with short-circuiting `&&` and `||`, as Go does.
    public func evaluate(_ metrics: some CircuitBreakerMetricSource) -> Bool {
        switch self {
        case .networkErrorRatio(let comparison, let threshold):
            comparison.holds(metrics.networkErrorRatio(), threshold)
        case .responseCodeRatio(let codes, let total, let comparison, let threshold):
            comparison.holds(metrics.responseCodeRatio(codes, total), threshold)
        case .latencyAtQuantileMS(let quantile, let comparison, let threshold):
            comparison.holds(metrics.latencyAtQuantileMS(quantile), threshold)
        case .and(let lhs, let rhs):
            lhs.evaluate(metrics) && rhs.evaluate(metrics)
        case .or(let lhs, let rhs):
            lhs.evaluate(metrics) || rhs.evaluate(metrics)
        }
    }
}

private enum ExpressionFunction: String {
    case networkErrorRatio = "NetworkErrorRatio"
    case responseCodeRatio = "ResponseCodeRatio"
    case latencyAtQuantileMS = "LatencyAtQuantileMS"

    static let allNames = "NetworkErrorRatio, ResponseCodeRatio or LatencyAtQuantileMS"
}

private struct ExpressionToken {
    enum Kind: Equatable {
        case identifier(String)
        case integer(Int)
        case float(Double)
        case leftParenthesis
        case rightParenthesis
        case comma
        case comparison(ComparisonOperator)
        case and
        case or
        case end
    }

    let kind: Kind
    /// As written, for messages.
    let text: String
    let position: Int

    /// How a message names the token after "found".
    var described: String {
        switch kind {
        case .end: "the end of the expression"
        case .integer: "the integer \(text)"
        case .float: "the float \(text)"
        default: "'\(text)'"
        }
    }
}

/// Splits an expression into tokens on demand, so errors come in source order.
private struct ExpressionLexer {
    private let scalars: [Unicode.Scalar]
    private var offset = 0

    private static let wordOperators: [String: ExpressionToken.Kind] = [
        "AND": .and, "OR": .or,
        "EQ": .comparison(.equal), "NEQ": .comparison(.notEqual),
        "LT": .comparison(.less), "LE": .comparison(.lessOrEqual),
        "GT": .comparison(.greater), "GE": .comparison(.greaterOrEqual),
    ]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    mutating func next() throws(ExpressionError) -> ExpressionToken {
        while offset < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[offset]) { offset += 1 }
        let start = offset
        guard let first = peek() else { return ExpressionToken(kind: .end, text: "", position: start) }

        if Self.isIdentifierStart(first) {
            while let scalar = peek(), Self.isIdentifierStart(scalar) || Self.isDigit(scalar) { offset += 1 }
            let word = text(from: start)
            return ExpressionToken(kind: Self.wordOperators[word] ?? .identifier(word), text: word, position: start)
        }
        if Self.isDigit(first) || (first == "." && peek(at: 1).map(Self.isDigit) == true) {
            return try number(from: start)
        }

        offset += 1
        let second = peek()
        func symbol(_ kind: ExpressionToken.Kind, length: Int = 1) -> ExpressionToken {
            offset = start + length
            return ExpressionToken(kind: kind, text: text(from: start), position: start)
        }
        switch first {
        case "(": return symbol(.leftParenthesis)
        case ")": return symbol(.rightParenthesis)
        case ",": return symbol(.comma)
        case "&" where second == "&": return symbol(.and, length: 2)
        case "|" where second == "|": return symbol(.or, length: 2)
        case "=" where second == "=": return symbol(.comparison(.equal), length: 2)
        case "!" where second == "=": return symbol(.comparison(.notEqual), length: 2)
        case "<" where second == "=": return symbol(.comparison(.lessOrEqual), length: 2)
        case ">" where second == "=": return symbol(.comparison(.greaterOrEqual), length: 2)
        case "<": return symbol(.comparison(.less))
        case ">": return symbol(.comparison(.greater))
        case "&": throw ExpressionError(position: start, message: "expected '&&' ('&' alone is not an operator)")
        case "|": throw ExpressionError(position: start, message: "expected '||' ('|' alone is not an operator)")
        case "=": throw ExpressionError(position: start, message: "expected '==' ('=' alone is not an operator)")
        case "!": throw ExpressionError(position: start, message: "'!' (negation) is not supported")
        case "+", "-", "*", "/", "%", "^":
            throw ExpressionError(
                position: start,
                message: "'\(first)' is not supported (no arithmetic, and literals cannot be negative)"
            )
        default:
            throw ExpressionError(position: start, message: "unexpected character '\(first)'")
        }
    }

    /// A Go decimal literal: `50`, `0.5`, `.5`, `1.`, `1e3`, `2.5E-1` (those with a dot or an
    /// exponent are floats).
    private mutating func number(from start: Int) throws(ExpressionError) -> ExpressionToken {
        var isFloat = false
        skipDigits()
        if peek() == "." {
            isFloat = true
            offset += 1
            skipDigits()
        }
        if let marker = peek(), marker == "e" || marker == "E" {
            isFloat = true
            offset += 1
            if let sign = peek(), sign == "+" || sign == "-" { offset += 1 }
            guard let digit = peek(), Self.isDigit(digit) else {
                throw ExpressionError(
                    position: offset,
                    message: "expected the digits of the exponent of \(text(from: start))"
                )
            }
            skipDigits()
        }
        let literal = text(from: start)
        if isFloat {
            // Swift's parser wants digits on both sides of the dot; Go does not.
            var normalised = literal.hasPrefix(".") ? "0" + literal : literal
            normalised = normalised.replacingDotBeforeExponentOrEnd()
            guard let value = Double(normalised), value.isFinite else {
                throw ExpressionError(position: start, message: "float literal \(literal) is out of range")
            }
            return ExpressionToken(kind: .float(value), text: literal, position: start)
        }
        if literal.count > 1, literal.hasPrefix("0") {
            throw ExpressionError(
                position: start,
                message: "integer literal \(literal) has a leading zero (an octal number in Go); write it without"
            )
        }
        guard let value = Int(literal) else {
            throw ExpressionError(position: start, message: "integer literal \(literal) is too large")
        }
        return ExpressionToken(kind: .integer(value), text: literal, position: start)
    }

    private mutating func skipDigits() {
        while let scalar = peek(), Self.isDigit(scalar) { offset += 1 }
    }

    private func peek(at distance: Int = 0) -> Unicode.Scalar? {
        offset + distance < scalars.count ? scalars[offset + distance] : nil
    }

    private func text(from start: Int) -> String {
        var string = String.UnicodeScalarView()
        string.append(contentsOf: scalars[start..<offset])
        return String(string)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }
}

private extension String {
    /// `1.` → `1.0`, `1.e5` → `1.0e5`.
    func replacingDotBeforeExponentOrEnd() -> String {
        var result = ""
        var previousWasDot = false
        for character in self {
            if previousWasDot, character == "e" || character == "E" { result.append("0") }
            result.append(character)
            previousWasDot = character == "."
        }
        if previousWasDot { result.append("0") }
        return result
    }
}

/// Recursive descent over `or := and (|| and)*`, `and := operand (&& operand)*`,
/// `operand := '(' or ')' | function '(' literals ')' comparison literal`.
private struct ExpressionParser {
    private var lexer: ExpressionLexer
    private var token = ExpressionToken(kind: .end, text: "", position: 0)
    private var previous: ExpressionToken?

    init(_ text: String) {
        lexer = ExpressionLexer(text)
    }

    mutating func parseExpression() throws(ExpressionError) -> CircuitBreakerCondition {
        token = try lexer.next()
        guard token.kind != .end else {
            throw ExpressionError(position: 0, message: "empty expression")
        }
        let condition = try parseOr()
        guard token.kind == .end else {
            throw error("expected '&&', '||' or the end of the expression")
        }
        return condition
    }

    private mutating func parseOr() throws(ExpressionError) -> CircuitBreakerCondition {
        var condition = try parseAnd()
        while token.kind == .or {
            try advance()
            condition = .or(condition, try parseAnd())
        }
        return condition
    }

    private mutating func parseAnd() throws(ExpressionError) -> CircuitBreakerCondition {
        var condition = try parseOperand()
        while token.kind == .and {
            try advance()
            condition = .and(condition, try parseOperand())
        }
        return condition
    }

    private mutating func parseOperand() throws(ExpressionError) -> CircuitBreakerCondition {
        switch token.kind {
        case .leftParenthesis:
            let opening = token
            try advance()
            let condition = try parseOr()
            guard token.kind == .rightParenthesis else {
                throw error("expected ')' to close the '(' at column \(opening.position)")
            }
            try advance()
            return condition
        case .identifier:
            return try parseComparison()
        case .integer, .float:
            throw error(
                "expected a function (\(ExpressionFunction.allNames)) on the left of the comparison "
                    + "(the literal goes on the right)"
            )
        default:
            let context = previous.map { " after '\($0.text)'" } ?? ""
            throw error("expected a comparison (a function compared with a literal) or '('\(context)")
        }
    }

    private mutating func parseComparison() throws(ExpressionError) -> CircuitBreakerCondition {
        let name = token
        guard let function = ExpressionFunction(rawValue: name.text) else {
            throw ExpressionError(
                position: name.position,
                message: "unknown function '\(name.text)' (expected \(ExpressionFunction.allNames))"
            )
        }
        try advance()
        guard token.kind == .leftParenthesis else {
            throw error("expected '(' after \(name.text) (functions are called with parentheses)")
        }
        try advance()
        var arguments: [ExpressionToken] = []
        if token.kind != .rightParenthesis {
            while true {
                switch token.kind {
                case .integer, .float: arguments.append(token)
                default: throw error("expected a literal as argument \(arguments.count + 1) of \(name.text)")
                }
                try advance()
                if token.kind == .rightParenthesis { break }
                guard token.kind == .comma else {
                    throw error("expected ',' or ')' after argument \(arguments.count) of \(name.text)")
                }
                try advance()
            }
        }
        let closing = token
        try advance()

        switch function {
        case .networkErrorRatio:
            if let extra = arguments.first {
                throw ExpressionError(position: extra.position, message: "NetworkErrorRatio takes no arguments")
            }
            let (comparison, threshold) = try parseFloatComparison(after: "NetworkErrorRatio")
            return .networkErrorRatio(comparison, threshold)
        case .responseCodeRatio:
            let bounds = try integerArguments(arguments, of: name.text, closing: closing)
            let (comparison, threshold) = try parseFloatComparison(after: "ResponseCodeRatio")
            return .responseCodeRatio(
                StatusCodeRange(bounds[0], bounds[1]),
                StatusCodeRange(bounds[2], bounds[3]),
                comparison,
                threshold
            )
        case .latencyAtQuantileMS:
            let quantile = try quantileArgument(arguments, closing: closing)
            let comparison = try parseComparisonOperator(after: "LatencyAtQuantileMS(…)")
            guard case .integer(let threshold) = token.kind else {
                throw error(
                    "expected an integer literal after '\(previousText)' "
                        + "(LatencyAtQuantileMS returns whole milliseconds)"
                )
            }
            try advance()
            return .latencyAtQuantileMS(quantile: quantile, comparison, threshold)
        }
    }

    private mutating func parseFloatComparison(
        after function: String
    ) throws(ExpressionError) -> (ComparisonOperator, Double) {
        let comparison = try parseComparisonOperator(after: "\(function)(…)")
        guard case .float(let threshold) = token.kind else {
            throw error("expected a float literal after '\(previousText)' (\(function) returns a float)")
        }
        try advance()
        return (comparison, threshold)
    }

    private mutating func parseComparisonOperator(after call: String) throws(ExpressionError) -> ComparisonOperator {
        guard case .comparison(let comparison) = token.kind else {
            throw error("expected a comparison operator (==, !=, <, <=, >, >= or EQ, NEQ, LT, LE, GT, GE) after \(call)")
        }
        try advance()
        return comparison
    }

    private func integerArguments(
        _ arguments: [ExpressionToken],
        of function: String,
        closing: ExpressionToken
    ) throws(ExpressionError) -> [Int] {
        let expectedCount = 4
        guard arguments.count <= expectedCount else {
            throw ExpressionError(
                position: arguments[expectedCount].position,
                message: "\(function) takes \(expectedCount) integer arguments, found \(arguments.count)"
            )
        }
        guard arguments.count == expectedCount else {
            throw ExpressionError(
                position: closing.position,
                message: "\(function) takes \(expectedCount) integer arguments (a1, a2, b1, b2), found \(arguments.count)"
            )
        }
        var values: [Int] = []
        for (index, argument) in arguments.enumerated() {
            guard case .integer(let value) = argument.kind else {
                throw ExpressionError(
                    position: argument.position,
                    message: "expected an integer literal as argument \(index + 1) of \(function), "
                        + "found \(argument.described)"
                )
            }
            values.append(value)
        }
        return values
    }

    private func quantileArgument(_ arguments: [ExpressionToken], closing: ExpressionToken) throws(ExpressionError) -> Double {
        guard let argument = arguments.first else {
            throw ExpressionError(
                position: closing.position,
                message: "LatencyAtQuantileMS takes one float argument, the quantile (e.g. 50.0)"
            )
        }
        if arguments.count > 1 {
            throw ExpressionError(
                position: arguments[1].position,
                message: "LatencyAtQuantileMS takes one float argument, found \(arguments.count)"
            )
        }
        guard case .float(let quantile) = argument.kind else {
            throw ExpressionError(
                position: argument.position,
                message: "expected a float literal as the quantile of LatencyAtQuantileMS "
                    + "(write \(argument.text).0), found \(argument.described)"
            )
        }
        guard (0...100).contains(quantile) else {
            throw ExpressionError(
                position: argument.position,
                message: "the quantile of LatencyAtQuantileMS must be between 0 and 100, found \(argument.text)"
            )
        }
        return quantile
    }

    private var previousText: String { previous?.text ?? "" }

    private mutating func advance() throws(ExpressionError) {
        previous = token
        token = try lexer.next()
    }

    /// An error at the current token, saying what was found there.
    private func error(_ expected: String) -> ExpressionError {
        ExpressionError(position: token.position, message: "\(expected), found \(token.described)")
    }
}
