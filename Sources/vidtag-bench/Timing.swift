import Dispatch
import Foundation

/// The wall-clock times of repeated runs of one piece of work, in seconds.
struct Timing: Codable, Sendable {
    /// Every timed run, in order; warm-up runs are not included.
    let samples: [Double]
    /// The CPU that other processes used while the timed runs went on, in cores (e.g. 0.8 of
    /// one core): a sign that the numbers are disturbed. Nil where /proc/stat is missing.
    var otherCores: Double? = nil

    /// The fastest run: the least disturbed by the rest of the machine.
    var best: Double { samples.min() ?? .nan }

    /// The middle run (the mean of the two middle runs for an even count).
    var median: Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Both sets of runs of the same work.
    func merged(with other: Timing) -> Timing {
        let (wall, otherWall) = (samples.reduce(0, +), other.samples.reduce(0, +))
        var cores: Double? = nil
        if let mine = otherCores, let theirs = other.otherCores, wall + otherWall > 0 {
            cores = (mine * wall + theirs * otherWall) / (wall + otherWall)
        }
        return Timing(samples: samples + other.samples, otherCores: cores)
    }
}

enum Stopwatch {
    /// Nanoseconds on the monotonic clock (`DispatchTime`: CLOCK_MONOTONIC on Linux,
    /// mach_absolute_time on macOS); never goes back when the wall clock is set.
    @inline(__always)
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Runs `body` `warmup` times untimed (first touches, lazy allocations, BLAS thread start-up),
    /// then `repeats` times, timing each run on its own.
    static func measure(warmup: Int, repeats: Int, _ body: () -> Void) -> Timing {
        for _ in 0..<warmup { body() }
        var samples: [Double] = []
        samples.reserveCapacity(repeats)
        let before = CPUTime.sample()
        for _ in 0..<repeats {
            let start = now()
            body()
            samples.append(Double(now() - start) * 1e-9)
        }
        let after = CPUTime.sample()
        return Timing(samples: samples, otherCores: CPUTime.otherCores(from: before, to: after))
    }
}

/// CPU time of the whole machine and of this process, to tell how much of the machine other
/// processes took during a measurement.
private struct CPUTime {
    /// Busy time of all CPUs (user, nice, system, irq, softirq, steal), seconds; nil off Linux.
    let machine: Double?
    /// User + system time of this process, seconds.
    let process: Double
    /// Monotonic clock, seconds.
    let wall: Double

    static func sample() -> CPUTime {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        let process = Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
        return CPUTime(machine: machineBusy(), process: process, wall: Double(Stopwatch.now()) * 1e-9)
    }

    static func otherCores(from start: CPUTime, to end: CPUTime) -> Double? {
        guard let machineStart = start.machine, let machineEnd = end.machine, end.wall > start.wall else { return nil }
        let others = (machineEnd - machineStart) - (end.process - start.process)
        return max(0, others) / (end.wall - start.wall)
    }

    /// From the first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal …" in clock ticks.
    private static func machineBusy() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 8 else { return nil }
        let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// Consumes a value computed by timed work, so that the optimiser cannot drop the work.
@inline(never)
func keep(_ value: Float) {
    sink ^= value.bitPattern
}

nonisolated(unsafe) private var sink: UInt32 = 0
