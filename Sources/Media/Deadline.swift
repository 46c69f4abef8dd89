import CFFmpeg
import Foundation

/// A wall-clock limit for one file, checked by FFmpeg's interrupt callback during I/O and by
/// our own decode loops between packets.
final class Deadline: @unchecked Sendable {
    let seconds: Double
    private let end: UInt64

    init(seconds: Double) {
        self.seconds = seconds
        end = DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, seconds) * 1e9)
    }

    var expired: Bool { DispatchTime.now().uptimeNanoseconds >= end }

    /// An interrupt callback for FFmpeg that asks this deadline (which must outlive the context).
    var interruptCallback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                return Unmanaged<Deadline>.fromOpaque(opaque).takeUnretainedValue().expired ? 1 : 0
            },
            opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}
