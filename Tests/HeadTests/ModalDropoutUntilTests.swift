import Foundation
import Testing
@testable import Head
@testable import SyntheticWorlds

/// `--modal-dropout-until`: modal dropout in the first share of the epochs only.
@Suite struct ModalDropoutUntilTests {
    @Test func theRateFallsToZeroAfterTheShare() {
        var o = TrainingOptions()
        (o.epochs, o.modalDropout) = (40, 0.2)
        #expect(o.modalDropoutUntil == 1)
        #expect((1...40).allSatisfy { o.modalDropout(inEpoch: $0) == 0.2 })
        o.modalDropoutUntil = 0.5
        #expect((1...40).map(o.modalDropout(inEpoch:)) == Array(repeating: 0.2, count: 20) + Array(repeating: 0, count: 20))
        o.modalDropoutUntil = 0
        #expect((1...40).allSatisfy { o.modalDropout(inEpoch: $0) == 0 })
        (o.epochs, o.modalDropoutUntil) = (5, 0.5)  // 2.5 epochs round to 3
        #expect((1...5).map(o.modalDropout(inEpoch:)) == [0.2, 0.2, 0.2, 0, 0])
    }

    @Test func aShareOutsideZeroToOneIsRefused() {
        var o = TrainingOptions()
        for share in [-0.1, 1.5, .nan] {
            o.modalDropoutUntil = share
            #expect(o.problem() == "modal dropout's share of the epochs is in [0, 1]", "share \(share)")
        }
    }

    /// Heads trained before the option dropped modalities in every epoch.
    @Test func headsSavedBeforeTheOptionDroppedInEveryEpoch() throws {
        let json = #"{"epochs": 40, "modal_dropout": 0.2, "seed": 1}"#
        let options = try JSONDecoder().decode(TrainingOptions.self, from: Data(json.utf8))
        #expect(options.modalDropoutUntil == 1)
    }

    /// The trainer follows the schedule: a share of 0 trains exactly as no dropout; a share of
    /// ½ differs from both no dropout and dropout in every epoch.
    @Test func theTrainerFollowsTheSchedule() {
        let none = Small.trainedWithModalDropout(0), never = Small.trainedWithModalDropout(0.2, until: 0)
        let half = Small.trainedWithModalDropout(0.2, until: 0.5), every = Small.trainedWithModalDropout(0.2)
        #expect(never == none)
        #expect(half != none)
        #expect(half != every)
    }
}
