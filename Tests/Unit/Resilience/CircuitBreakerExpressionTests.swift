import Testing
import TraefikCore

/// Metric values set by hand.
struct FixedBreakerMetrics: CircuitBreakerMetricSource {
    var networkErrors = 0.0
    var codeRatio = 0.0
    var latencyMS = 0

    func networkErrorRatio() -> Double { networkErrors }
    func responseCodeRatio(_ codes: StatusCodeRange, _ total: StatusCodeRange) -> Double { codeRatio }
    func latencyAtQuantileMS(_ quantile: Double) -> Int { latencyMS }
}

@Suite("Circuit-breaker expressions: parsing and evaluation (spec §7.1, D7)")
struct CircuitBreakerExpressionTests {
    private func parse(_ text: String) throws -> CircuitBreakerCondition {
        try CircuitBreakerExpression.parse(text).condition
    }

    @Test("The three functions parse into typed comparisons")
    func functions() throws {
        #expect(try parse("NetworkErrorRatio() > 0.5") == .networkErrorRatio(.greater, 0.5))
        #expect(try parse("LatencyAtQuantileMS(50.0) > 50") == .latencyAtQuantileMS(quantile: 50, .greater, 50))
        #expect(try parse("ResponseCodeRatio(500, 600, 0, 600) > 0.5")
            == .responseCodeRatio(StatusCodeRange(500, 600), StatusCodeRange(0, 600), .greater, 0.5))
    }

    @Test("Every comparison operator, in symbols and in the doc's words", arguments: [
        ("==", "EQ", ComparisonOperator.equal),
        ("!=", "NEQ", .notEqual),
        ("<", "LT", .less),
        ("<=", "LE", .lessOrEqual),
        (">", "GT", .greater),
        (">=", "GE", .greaterOrEqual),
    ])
    func comparisonOperators(symbol: String, word: String, comparison: ComparisonOperator) throws {
        #expect(try parse("NetworkErrorRatio() \(symbol) 0.25") == .networkErrorRatio(comparison, 0.25))
        #expect(try parse("NetworkErrorRatio() \(word) 0.25") == .networkErrorRatio(comparison, 0.25))
        #expect(try parse("LatencyAtQuantileMS(99.9)\(symbol)7") == .latencyAtQuantileMS(quantile: 99.9, comparison, 7))
    }

    @Test("Each operator compares as its name says")
    func operatorSemantics() throws {
        let cases: [(String, Bool)] = [
            ("NetworkErrorRatio() == 0.5", true), ("NetworkErrorRatio() != 0.5", false),
            ("NetworkErrorRatio() < 0.5", false), ("NetworkErrorRatio() <= 0.5", true),
            ("NetworkErrorRatio() > 0.5", false), ("NetworkErrorRatio() >= 0.5", true),
            ("NetworkErrorRatio() < 0.6", true), ("NetworkErrorRatio() > 0.4", true),
            ("LatencyAtQuantileMS(50.0) EQ 80", true), ("LatencyAtQuantileMS(50.0) NEQ 80", false),
            ("LatencyAtQuantileMS(50.0) LT 81", true), ("LatencyAtQuantileMS(50.0) LE 79", false),
            ("LatencyAtQuantileMS(50.0) GT 79", true), ("LatencyAtQuantileMS(50.0) GE 81", false),
            ("ResponseCodeRatio(500, 600, 0, 600) > 0.2", true), ("ResponseCodeRatio(500, 600, 0, 600) < 0.2", false),
        ]
        let metrics = FixedBreakerMetrics(networkErrors: 0.5, codeRatio: 0.3, latencyMS: 80)
        for (text, expected) in cases {
            #expect(try CircuitBreakerExpression.parse(text).evaluate(metrics) == expected, "\(text)")
        }
    }

    @Test("Float literals in Go's forms")
    func floatLiterals() throws {
        #expect(try parse("NetworkErrorRatio() > .5") == .networkErrorRatio(.greater, 0.5))
        #expect(try parse("NetworkErrorRatio() > 1.") == .networkErrorRatio(.greater, 1))
        #expect(try parse("NetworkErrorRatio() > 5e-1") == .networkErrorRatio(.greater, 0.5))
        #expect(try parse("NetworkErrorRatio() > 2.5E-1") == .networkErrorRatio(.greater, 0.25))
    }

    @Test("&& binds tighter than ||, as in Go; words and symbols mix")
    func precedence() throws {
        let a = CircuitBreakerCondition.networkErrorRatio(.greater, 0.1)
        let b = CircuitBreakerCondition.latencyAtQuantileMS(quantile: 50, .greater, 2)
        let c = CircuitBreakerCondition.networkErrorRatio(.less, 0.3)
        let textA = "NetworkErrorRatio() > 0.1", textB = "LatencyAtQuantileMS(50.0) > 2", textC = "NetworkErrorRatio() < 0.3"
        #expect(try parse("\(textA) || \(textB) && \(textC)") == .or(a, .and(b, c)))
        #expect(try parse("\(textA) && \(textB) || \(textC)") == .or(.and(a, b), c))
        #expect(try parse("\(textA) OR \(textB) AND \(textC)") == .or(a, .and(b, c)))
        #expect(try parse("(\(textA) || \(textB)) && \(textC)") == .and(.or(a, b), c))
        #expect(try parse("((\(textA)))") == a)
        #expect(try parse("\(textA) && \(textB) && \(textC)") == .and(.and(a, b), c))
        #expect(try parse("\(textA) || \(textB) || \(textC)") == .or(.or(a, b), c))
    }

    @Test("|| trips on either side, && needs both (F7)")
    func logicalEvaluation() throws {
        let either = try CircuitBreakerExpression.parse("NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(50.0) > 50")
        let both = try CircuitBreakerExpression.parse("NetworkErrorRatio() > 0.5 && LatencyAtQuantileMS(50.0) > 50")
        let errorsOnly = FixedBreakerMetrics(networkErrors: 0.9)
        let slowOnly = FixedBreakerMetrics(latencyMS: 100)
        let bothBad = FixedBreakerMetrics(networkErrors: 0.9, latencyMS: 100)
        #expect(either.evaluate(errorsOnly) && either.evaluate(slowOnly) && either.evaluate(bothBad))
        #expect(!either.evaluate(FixedBreakerMetrics()))
        #expect(!both.evaluate(errorsOnly) && !both.evaluate(slowOnly) && both.evaluate(bothBad))
        // Precedence in evaluation: false || (true && false) is false, (false || true) && false too,
        // but false || true && true is true.
        let mixed = try CircuitBreakerExpression.parse(
            "NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(50.0) > 50 && ResponseCodeRatio(500, 600, 0, 600) > 0.5"
        )
        #expect(!mixed.evaluate(FixedBreakerMetrics(latencyMS: 100)))
        #expect(mixed.evaluate(FixedBreakerMetrics(codeRatio: 0.9, latencyMS: 100)))
        #expect(mixed.evaluate(FixedBreakerMetrics(networkErrors: 0.9)))
    }

    @Test("The text is kept for the API and the log")
    func keepsText() throws {
        let text = "  NetworkErrorRatio()\t>\n0.5 "
        let expression = try CircuitBreakerExpression.parse(text)
        #expect(expression.text == text && expression.description == text)
        #expect(expression.condition == .networkErrorRatio(.greater, 0.5))
    }

    @Test("Malformed expressions are rejected with what was expected and where", arguments: [
        ("NetworkErrorRatio() > 1", 22,
         "expected a float literal after '>' (NetworkErrorRatio returns a float), found the integer 1"),
        ("ResponseCodeRatio(500, 600, 0, 600) GE 1", 39,
         "expected a float literal after 'GE' (ResponseCodeRatio returns a float), found the integer 1"),
        ("LatencyAtQuantileMS(50) > 50", 20,
         "expected a float literal as the quantile of LatencyAtQuantileMS (write 50.0), found the integer 50"),
        ("LatencyAtQuantileMS(50.0) > 50.0", 28,
         "expected an integer literal after '>' (LatencyAtQuantileMS returns whole milliseconds), found the float 50.0"),
        ("0.5 < NetworkErrorRatio()", 0,
         "expected a function (NetworkErrorRatio, ResponseCodeRatio or LatencyAtQuantileMS) on the left of the "
            + "comparison (the literal goes on the right), found the float 0.5"),
        ("Foo() > 1.0", 0, "unknown function 'Foo' (expected NetworkErrorRatio, ResponseCodeRatio or LatencyAtQuantileMS)"),
        ("!(NetworkErrorRatio() > 0.5)", 0, "'!' (negation) is not supported"),
        ("NetworkErrorRatio()", 19,
         "expected a comparison operator (==, !=, <, <=, >, >= or EQ, NEQ, LT, LE, GT, GE) after NetworkErrorRatio(…), "
            + "found the end of the expression"),
        ("NetworkErrorRatio() + 0.1 > 0.5", 20, "'+' is not supported (no arithmetic, and literals cannot be negative)"),
        ("NetworkErrorRatio() > -0.5", 22, "'-' is not supported (no arithmetic, and literals cannot be negative)"),
        ("ResponseCodeRatio(500, 600, 0) > 0.5", 29,
         "ResponseCodeRatio takes 4 integer arguments (a1, a2, b1, b2), found 3"),
        ("ResponseCodeRatio(500, 600, 0, 600, 1) > 0.5", 36, "ResponseCodeRatio takes 4 integer arguments, found 5"),
        ("ResponseCodeRatio(500, 600.0, 0, 600) > 0.5", 23,
         "expected an integer literal as argument 2 of ResponseCodeRatio, found the float 600.0"),
        ("NetworkErrorRatio() > 0.5 &&", 28,
         "expected a comparison (a function compared with a literal) or '(' after '&&', found the end of the expression"),
        ("NetworkErrorRatio() > 0.5 OR", 28,
         "expected a comparison (a function compared with a literal) or '(' after 'OR', found the end of the expression"),
        ("()", 1, "expected a comparison (a function compared with a literal) or '(' after '(', found ')'"),
        ("(NetworkErrorRatio() > 0.5", 26, "expected ')' to close the '(' at column 0, found the end of the expression"),
        ("NetworkErrorRatio() > 0.5)", 25, "expected '&&', '||' or the end of the expression, found ')'"),
        ("NetworkErrorRatio() > 0.5 0.3", 26, "expected '&&', '||' or the end of the expression, found the float 0.3"),
        ("NetworkErrorRatio > 0.5", 18,
         "expected '(' after NetworkErrorRatio (functions are called with parentheses), found '>'"),
        ("NetworkErrorRatio(1.0) > 0.5", 18, "NetworkErrorRatio takes no arguments"),
        ("NetworkErrorRatio(", 18, "expected a literal as argument 1 of NetworkErrorRatio, found the end of the expression"),
        ("LatencyAtQuantileMS(50.0 50.0) > 1", 25,
         "expected ',' or ')' after argument 1 of LatencyAtQuantileMS, found the float 50.0"),
        ("LatencyAtQuantileMS() > 50", 20, "LatencyAtQuantileMS takes one float argument, the quantile (e.g. 50.0)"),
        ("LatencyAtQuantileMS(50.0, 90.0) > 50", 26, "LatencyAtQuantileMS takes one float argument, found 2"),
        ("LatencyAtQuantileMS(150.0) > 50", 20, "the quantile of LatencyAtQuantileMS must be between 0 and 100, found 150.0"),
        ("LatencyAtQuantileMS(50.0) > 050", 28,
         "integer literal 050 has a leading zero (an octal number in Go); write it without"),
        ("ResponseCodeRatio(500, 600, 0, 99999999999999999999) > 0.5", 31,
         "integer literal 99999999999999999999 is too large"),
        ("NetworkErrorRatio() > 1e", 24, "expected the digits of the exponent of 1e"),
        ("NetworkErrorRatio() > 0.5 & NetworkErrorRatio() < 0.9", 26, "expected '&&' ('&' alone is not an operator)"),
        ("NetworkErrorRatio() > 0.5 | NetworkErrorRatio() < 0.9", 26, "expected '||' ('|' alone is not an operator)"),
        ("NetworkErrorRatio() = 0.5", 20, "expected '==' ('=' alone is not an operator)"),
        ("NetworkErrorRatio() > NetworkErrorRatio()", 22,
         "expected a float literal after '>' (NetworkErrorRatio returns a float), found 'NetworkErrorRatio'"),
        ("NetworkErrorRatio() > 0.5 # comment", 26, "unexpected character '#'"),
        ("networkErrorRatio() > 0.5", 0,
         "unknown function 'networkErrorRatio' (expected NetworkErrorRatio, ResponseCodeRatio or LatencyAtQuantileMS)"),
        ("true", 0, "unknown function 'true' (expected NetworkErrorRatio, ResponseCodeRatio or LatencyAtQuantileMS)"),
        ("", 0, "empty expression"),
        ("   ", 0, "empty expression"),
    ])
    func malformed(text: String, position: Int, message: String) {
        #expect(throws: ExpressionError(position: position, message: message)) {
            try CircuitBreakerExpression.parse(text)
        }
    }

    @Test("The error reads as message and column, ready for the D7 log line")
    func errorDescription() {
        let error = ExpressionError(
            position: 22,
            message: "expected a float literal after '>' (NetworkErrorRatio returns a float), found the integer 1"
        )
        #expect(error.description
            == "expected a float literal after '>' (NetworkErrorRatio returns a float), found the integer 1 at column 22")
    }
}
