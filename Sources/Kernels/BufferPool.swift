import Foundation

/// Float arrays recycled between layers and between calls: a network's activations reuse
/// memory the process has already touched instead of asking the kernel for fresh pages.
///
/// Why: glibc serves allocations above 32 MiB (e.g. Inception-ResNet-v2's stem outputs at
/// batch 16, 44–88 MB each) with `mmap` and returns them with `munmap` when freed, so each
/// such layer output costs a page fault and a kernel zero fill per 4 KiB — more than the
/// convolution's own copies. A model that owns a pool (`InceptionResNetV2`, `VGGish`) hands
/// each intermediate tensor back once it is consumed, and the next layer of a fitting size
/// takes it.
///
/// A request for `count` floats takes the pooled array of least capacity in
/// `count...2·count` (so a small tensor never pins a large block), shortened or lengthened to
/// `count` in place; otherwise it allocates. The pool keeps at most `limitBytes` of arrays
/// (oldest dropped first), and only arrays of at least `smallestBytes`: the encoders keep only
/// those glibc would map and unmap (from 32 MiB; smaller ones it serves again from its heap
/// without new pages), so at one image per worker, whose tensors are all smaller, the pool
/// holds nothing (measured: 40–80 MB less resident, no slower). Arrays still referenced
/// elsewhere when recycled stay correct: the next writer copies them (copy on write), it merely
/// loses the reuse. Thread-safe.
public final class BufferPool: @unchecked Sendable {
    /// The most the pool keeps, in bytes of capacity.
    public let limitBytes: Int
    /// Smaller arrays are not kept.
    public let smallestBytes: Int
    private let lock = NSLock()
    /// Recycled arrays, oldest first.
    private var free: [[Float]] = []
    private var freeBytes = 0

    public init(limitBytes: Int = 384 << 20, smallestBytes: Int = 0) {
        self.limitBytes = max(0, limitBytes)
        self.smallestBytes = smallestBytes
    }

    /// Where glibc starts serving allocations with `mmap` at the latest (its largest dynamic
    /// threshold, `DEFAULT_MMAP_THRESHOLD_MAX` on 64-bit systems).
    public static let mappedAllocationBytes = 32 << 20

    /// An array of `count` floats whose values are unspecified: the caller writes every element.
    public func take(_ count: Int) -> [Float] {
        lock.lock()
        var best: Int?
        for (index, array) in free.enumerated() where array.capacity >= count && array.capacity <= 2 * max(count, 1) {
            if best == nil || array.capacity < free[best!].capacity { best = index }
        }
        var array = best.map { free.remove(at: $0) }
        if let array { freeBytes -= array.capacity * MemoryLayout<Float>.stride }
        lock.unlock()
        guard var reused = array.take() else {
            return count == 0 ? [] : [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        }
        // Within capacity both keep the storage: no allocation, at most a fill of the new tail.
        if reused.count > count {
            reused.removeLast(reused.count - count)
        } else if reused.count < count {
            reused.append(contentsOf: repeatElement(0, count: count - reused.count))
        }
        return reused
    }

    /// A tensor of `shape` whose values are unspecified (see `take(_:)`).
    public func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: take(shape.reduce(1, *)))
    }

    /// Gives `array`'s storage back for a later `take`.
    public func recycle(_ array: consuming [Float]) {
        let bytes = array.capacity * MemoryLayout<Float>.stride
        guard bytes > 0, bytes >= smallestBytes, bytes <= limitBytes else { return }
        lock.lock()
        free.append(array)
        freeBytes += bytes
        while freeBytes > limitBytes {
            freeBytes -= free.removeFirst().capacity * MemoryLayout<Float>.stride
        }
        lock.unlock()
    }

    /// Gives `tensor`'s storage back for a later `take`.
    public func recycle(_ tensor: consuming Tensor) {
        recycle(tensor.data)
    }

    /// Bytes of capacity the pool holds now.
    public var heldBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return freeBytes
    }
}
