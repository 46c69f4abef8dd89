import Testing
@testable import Batch

/// The progress line counts in words that agree with the number.
struct ProgressLineTests {
    @Test func countsAgreeWithTheirNouns() {
        let videos = ProgressReporter.Noun("video", "videos")
        var summary = BatchRunner.Summary()
        summary.processed = 1
        summary.seconds = 2
        #expect(ProgressReporter.line(summary, total: nil, noun: videos) == "1 video, 0.50/s, 0 failed")
        #expect(ProgressReporter.line(summary, total: 1, noun: videos).hasPrefix("1/1 video, 0.50/s, ETA 0s"))
        summary.processed = 2
        summary.failed = 1
        summary.quarantined = 1
        #expect(ProgressReporter.line(summary, total: 12, noun: videos) == "2/12 videos, 1.00/s, ETA 10s, 1 failed, 1 quarantined")
        #expect(ProgressReporter.line(BatchRunner.Summary(), total: nil, noun: videos) == "0 videos, 0.00/s, 0 failed")
    }
}
