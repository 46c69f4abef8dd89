import Testing
@testable import Kernels

/// BufferPool hands recycled storage back without allocating, within its fit and size limits.
@Suite struct BufferPoolTests {
    private func address(_ array: [Float]) -> UnsafeRawPointer? {
        array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func aRecycledArrayIsReusedForAFittingRequest() {
        let pool = BufferPool()
        let first = pool.take(1000)
        let storage = address(first)
        pool.recycle(first)
        let shorter = pool.take(700)  // within 2×: reused, shortened in place
        #expect(shorter.count == 700 && address(shorter) == storage)
        pool.recycle(shorter)
        let longer = pool.take(1000)  // back to full length within the same capacity
        #expect(longer.count == 1000 && address(longer) == storage)
        #expect(pool.heldBytes == 0)
    }

    @Test func aSmallRequestDoesNotPinALargeArray() {
        let pool = BufferPool()
        pool.recycle(pool.take(10_000))
        let small = pool.take(100)
        #expect(small.count == 100 && small.capacity < 10_000)
        #expect(pool.heldBytes >= 40_000)
    }

    @Test func thePoolKeepsAtMostItsLimit() {
        let pool = BufferPool(limitBytes: 4096 * 4 + 100)
        for _ in 0..<3 { pool.recycle([Float](repeating: 1, count: 4096)) }
        #expect(pool.heldBytes <= pool.limitBytes)
        #expect(pool.heldBytes >= 4096 * 4)
    }

    @Test func arraysSmallerThanTheFloorAreNotKept() {
        let pool = BufferPool(smallestBytes: 4096 * 4)
        pool.recycle([Float](repeating: 1, count: 3000))
        #expect(pool.heldBytes == 0)
        pool.recycle([Float](repeating: 1, count: 4096))
        #expect(pool.heldBytes >= 4096 * 4)
    }

    @Test func anArrayStillSharedIsCopiedBeforeItIsWritten() {
        let pool = BufferPool()
        let kept = [Float](repeating: 7, count: 512)
        pool.recycle(kept)
        var reused = pool.take(512)
        reused.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        #expect(kept.allSatisfy { $0 == 7 })
    }
}
