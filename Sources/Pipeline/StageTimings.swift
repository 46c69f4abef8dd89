import Batch
import Foundation

/// Seconds spent in each stage of one item ("decode", "audio", "visual", "text", "head"…),
/// reported in its output record.
public struct StageTimings: Sendable, Encodable {
    public private(set) var seconds: [String: Double] = [:]

    public init() {}

    /// Runs `body`, adding its wall time to `stage`.
    public mutating func measure<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { seconds[stage, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        return try body()
    }

    public mutating func merge(_ other: StageTimings) { seconds.merge(other.seconds, uniquingKeysWith: +) }

    /// Rounded to the millisecond (what a record shows).
    public func encode(to encoder: Encoder) throws {
        try seconds.mapValues { ($0 * 1000).rounded() / 1000 }.encode(to: encoder)
    }
}
