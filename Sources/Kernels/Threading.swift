import COpenBLAS
import Dispatch
import Foundation

/// The threading policy of every kernel in this module.
///
/// - GEMM is parallelised by OpenBLAS alone, with `Threading.threads` threads.
/// - Our own loops (im2col, epilogues, pooling, normalisation) split their outer loop over the
///   same number of threads with `parallelFor`, and only between GEMM calls, never during one,
///   so the two never compete for cores.
/// - The count comes from `VIDTAG_THREADS`, else the number of active cores. Callers that run
///   several models side by side lower it with `configure(threads:)`.
public enum Threading {
    nonisolated(unsafe) private static var current: Int = initialThreads()

    /// The number of threads kernels use.
    public static var threads: Int { current }

    /// Sets the thread count for OpenBLAS and for our own loops (at least 1).
    public static func configure(threads: Int) {
        current = max(1, threads)
        openblas_set_num_threads(Int32(current))
    }

    private static func initialThreads() -> Int {
        let fromEnvironment = ProcessInfo.processInfo.environment["VIDTAG_THREADS"].flatMap { Int($0) }
        let count = max(1, fromEnvironment ?? ProcessInfo.processInfo.activeProcessorCount)
        openblas_set_num_threads(Int32(count))
        return count
    }

    /// Runs `body` over `0..<count` split into at most `threads` contiguous chunks.
    /// Chunks smaller than `minChunk` items are not split further, so small loops stay serial.
    public static func parallelFor(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(threads, max(1, count / max(1, minChunk)))
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
                if start < end { shared.value(start..<end) }
            }
        }
    }

    /// The OpenBLAS build in use, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64".
    public static var blasDescription: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown core"
        return "\(config) (\(core))"
    }
}

/// Hands a value to `concurrentPerform`'s workers. Sound here because each worker touches a
/// disjoint range and `parallelFor` returns only after all of them finish.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
