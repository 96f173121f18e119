import Testing
@testable import StewardPolicy

@Suite struct ObservedStateTests {
    /// A product's row count is the sum over its datasets; agents may send counts up to Int64's
    /// maximum, so the sum saturates instead of trapping.
    @Test func rowCountsSaturateInsteadOfOverflowing() {
        var state = ObservedState()
        state.volume(3)
        state.volume(4)
        #expect(state.rowCount == 7)
        state.volume(.max)
        state.volume(.max)
        #expect(state.rowCount == .max)
    }
}
