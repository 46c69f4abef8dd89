import COpenBLAS
import Dispatch
import Foundation

/// The threading policy of every kernel in this module.
///
/// - OpenBLAS runs every call on the calling thread alone (`openblas_set_num_threads(1)`, once).
///   All parallelism is ours, so that several callers can multiply at the same time without
///   OpenBLAS's worker threads spinning against each other or against decoding.
/// - `threads` (from `VIDTAG_THREADS`, else the number of active cores; `configure(threads:)`)
///   is how many threads a parallel region uses. Regions come in two grains:
///   - coarse: `forEach` hands whole items (e.g. one image through a whole network) to the
///     workers, one at a time, so that a worker slowed down by another process simply takes
///     fewer items;
///   - fine: `parallelFor` splits one loop (im2col, epilogues, pooling) and `GEMM.multiply`
///     splits one product into contiguous blocks.
/// - A thread inside a region, or inside `serial`, is *serial*: everything it calls runs on it
///   alone (no nested regions). A pipeline stage that shares the cores with another (decoding
///   and audio on the look-ahead thread) runs `adaptive`: serial while the other stage
///   computes, with every thread while it waits.
public enum Threading {
    nonisolated(unsafe) private static var current: Int = initialThreads()

    /// The number of threads a parallel region uses.
    public static var threads: Int { current }

    /// Sets `threads` (at least 1).
    public static func configure(threads: Int) {
        current = max(1, threads)
    }

    private static func initialThreads() -> Int {
        openblas_set_num_threads(1)
        let fromEnvironment = ProcessInfo.processInfo.environment["VIDTAG_THREADS"].flatMap { Int($0) }
        return max(1, fromEnvironment ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Threads available to a region started on the calling thread: 1 on a serial thread,
    /// what its rule says on an `adaptive` one, else `threads`.
    public static var width: Int {
        let budget = current  // first use also sets OpenBLAS to one thread
        guard let value = pthread_getspecific(threadKey) else { return budget }
        if value == serialMarker { return 1 }
        return min(budget, max(1, Unmanaged<WidthRule>.fromOpaque(value).takeUnretainedValue().width()))
    }

    /// Whether the calling thread is serial (a region's worker, or inside `serial`).
    public static var isSerial: Bool { pthread_getspecific(threadKey) == serialMarker }

    /// Runs `body` with the calling thread serial: every kernel it calls stays on this thread.
    public static func serial<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(threadKey)
        pthread_setspecific(threadKey, serialMarker)
        defer { pthread_setspecific(threadKey, previous) }
        return try body()
    }

    /// Runs `body` with the calling thread's width given by `width()` (clamped to 1...threads),
    /// asked afresh by every region it starts: e.g. a look-ahead thread that takes every core
    /// while the stage it feeds waits for it, and one core otherwise.
    public static func adaptive<T>(_ width: @escaping () -> Int, _ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(threadKey)
        let rule = Unmanaged.passRetained(WidthRule(width))
        pthread_setspecific(threadKey, rule.toOpaque())
        defer {
            pthread_setspecific(threadKey, previous)
            rule.release()
        }
        return try body()
    }

    /// Runs `body(i)` for every `i` in `0..<count` on up to `width` threads, each call on one
    /// serial thread. Items are handed out one at a time in order, so uneven items, or a worker
    /// that another process slows down, leave no thread idle while items remain. Returns when
    /// every call has returned. A single item (or a width of 1) runs on the calling thread as it
    /// is, its kernels free to use the calling thread's width.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(width, count)
        guard workers > 1 else {
            for index in 0..<count { body(index) }
            return
        }
        let next = ItemCounter()
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                serial {
                    while let index = next.take(below: count) { shared.value(index) }
                }
            }
        }
    }

    /// Runs `body` over `0..<count` split into at most `width` contiguous chunks, each on a
    /// serial thread. Chunks smaller than `minChunk` items are not split further, so small loops
    /// stay on the calling thread.
    public static func parallelFor(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(width, max(1, count / max(1, minChunk)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        let step = (count + chunks - 1) / chunks
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * step
                let end = min(count, start + step)
                if start < end { serial { shared.value(start..<end) } }
            }
        }
    }

    /// Runs `body` serially on our side with OpenBLAS threading each call itself over `threads`
    /// threads, then returns OpenBLAS to one thread. Only for measuring OpenBLAS's own
    /// multithreaded SGEMM (the peak a benchmark compares against); nothing else may multiply
    /// meanwhile.
    @_spi(Tools) public static func withOpenBLASThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        _ = width  // OpenBLAS's default (one thread) is set before it is changed here
        openblas_set_num_threads(Int32(max(1, threads)))
        defer { openblas_set_num_threads(1) }
        return try serial(body)
    }

    /// The OpenBLAS build in use, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64".
    public static var blasDescription: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        return "\(config) (\(blasCoreName))"
    }

    /// The core whose SGEMM kernels OpenBLAS runs (`openblas_get_corename`), e.g. "Cooperlake",
    /// or "Haswell" where `OPENBLAS_CORETYPE=Haswell` forces the AVX2 kernels.
    public static var blasCoreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown core"
    }

    /// The calling thread's width rule: nil (all threads), `serialMarker`, or a `WidthRule`.
    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "Threading: no thread-specific key available")
        return key
    }()
}

/// The value of `Threading.threadKey` on a serial thread (never a valid object address).
nonisolated(unsafe) private let serialMarker = UnsafeMutableRawPointer(bitPattern: 1)!

/// The width of an `adaptive` thread.
private final class WidthRule {
    let width: () -> Int
    init(_ width: @escaping () -> Int) { self.width = width }
}

/// The next unclaimed item of a `forEach`.
private final class ItemCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below count: Int) -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}

/// Hands a value to `concurrentPerform`'s workers. Sound here because each worker touches a
/// disjoint range (or item) and the region returns only after all of them finish.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
