/// Float32 memory owned by a class, so that llm.c-style layer functions can take raw pointers
/// into it (parameters, gradients, Adam moments, activations) without copy-on-write surprises.
///
/// The memory is zeroed at creation and freed with the object; `pointer` is valid while the
/// buffer lives. `resize(atLeast:)` may move it.
public final class FloatBuffer: @unchecked Sendable {
    public private(set) var pointer: UnsafeMutablePointer<Float>
    public private(set) var count: Int

    public init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }

    /// Grows the buffer to hold at least `needed` floats (contents are not kept) and zeroes it.
    public func resize(atLeast needed: Int) {
        if needed > count {
            pointer.deallocate()
            pointer = .allocate(capacity: needed)
            count = needed
        }
        pointer.initialize(repeating: 0, count: count)
    }

    /// Grows the buffer to hold at least `needed` floats; new memory is zeroed, old contents
    /// are kept only when it does not grow.
    public func ensure(_ needed: Int) {
        if needed > count { resize(atLeast: needed) }
    }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// A copy of the first `n` (default all) elements.
    public func array(_ n: Int? = nil) -> [Float] {
        Array(UnsafeBufferPointer(start: pointer, count: n ?? count))
    }

    public subscript(_ i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}
