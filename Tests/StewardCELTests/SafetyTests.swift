import Testing
@testable import StewardCEL

/// No expression may crash, hang or exhaust the process: limits end evaluation with an error.
@Suite struct SafetyTests {
    @Test func deepNestingIsASyntaxErrorNotACrash() {
        let source = String(repeating: "(", count: 400) + "1" + String(repeating: ")", count: 400)
        #expect(throws: CELError.self) { try Environment().compile(source) }
        let nestedLists = String(repeating: "[", count: 400) + String(repeating: "]", count: 400)
        #expect(throws: CELError.self) { try Environment().compile(nestedLists) }
    }

    @Test func nestedLoopsOverBigListsRunOutOfBudget() throws {
        let list = Value.list((0..<1000).map { .int(Int64($0)) })
        let program = try Environment(costLimit: 100_000).compile("l.all(a, l.all(b, l.all(c, true)))")
        do {
            _ = try program.evaluate(["l": list])
            Issue.record("expected the cost limit to stop evaluation")
        } catch {
            #expect(error.code == .costExceeded)
        }
    }

    @Test func buildingHugeListsRunsOutOfBudget() throws {
        let list = Value.list((0..<1000).map { .int(Int64($0)) })
        let program = try Environment(costLimit: 100_000).compile("l.map(a, l.map(b, l)).size()")
        #expect(throws: CELError.self) { try program.evaluate(["l": list]) }
    }

    @Test func pathologicalRegularExpressionsRunInLinearTime() throws {
        // A backtracking engine takes exponential time on these; the Pike VM does not.
        let subject = String(repeating: "a", count: 5000) + "!"
        for pattern in ["(a+)+$", "(a|aa)+$", "(a*)*b", "^(a|a?)+$"] {
            let program = try Environment().compile("s.matches('\(pattern)')")
            #expect(try program.evaluate(["s": .string(subject)]) == .bool(false), "\(pattern)")
        }
    }

    @Test func unsupportedRegexSyntaxIsACompileError() {
        #expect(throws: CELError.self) { try Environment().compile("'a'.matches('(a)\\\\1')") }
        #expect(throws: CELError.self) { try Environment().compile("'a'.matches('(?=a)')") }
    }
}

@Suite struct DiagnosticsTests {
    @Test func parseErrorsCarryLineColumnAndCaret() {
        let source = "product.tier == 'gold' &&\n  product.owner = ''"
        do {
            _ = try Environment().compile(source)
            Issue.record("expected a syntax error")
        } catch {
            let rendered = error.render(in: source, file: "ownership.yaml")
            #expect(rendered == """
                ownership.yaml:2:17: unexpected character '='
                 |   product.owner = ''
                 |                 ^
                """)
        }
    }

    @Test func evaluationErrorsPointAtTheFailingOperator() throws {
        let source = "a + b / c"
        let program = try Environment().compile(source)
        do {
            _ = try program.evaluate(["a": .int(1), "b": .int(2), "c": .int(0)])
            Issue.record("expected division by zero")
        } catch {
            #expect(error.code == .divideByZero)
            #expect(SourcePosition(of: error.offset ?? -1, in: source).column == 7)
        }
    }

    @Test func declaredEnvironmentsRejectUnknownNamesAtCompileTime() {
        let env = Environment(variables: ["product"])
        let problems = env.diagnose("product.tier == 'gold' && prodcut.owner != '' && nosuch(1)")
        #expect(problems.map(\.code) == [.undeclared, .undeclared])
        #expect(problems.first?.message.contains("prodcut") == true)
    }

    @Test func errorsInsideAndOrAreAbsorbedByADecisiveOperand() throws {
        let env = Environment(variables: ["m"])
        let m = Value.map(MapValue())
        #expect(try env.compile("m.missing == 1 || true").evaluate(["m": m]) == .bool(true))
        #expect(try env.compile("false && m.missing == 1").evaluate(["m": m]) == .bool(false))
        #expect(throws: CELError.self) { try env.compile("m.missing == 1 || false").evaluate(["m": m]) }
    }
}

extension Value: Equatable {
    public static func == (a: Value, b: Value) -> Bool { a.type == b.type && Value.equal(a, b) }
}
