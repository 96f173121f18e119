extension Array {
    /// Consecutive slices of at most `size` elements: statements and reads bounded in size.
    public func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
