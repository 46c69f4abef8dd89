import Testing
@testable import Head

/// ``ValidationChoice``: the lowest validation loss, and each candidate's distance from it with the
/// standard error of the paired per-item differences.
@Suite struct ValidationChoiceTests {
    static let first: [Float] = [1, 2, 3, 4]

    /// `first` minus the second candidate, item by item: (0.5, −0.3, 0.5, 0.5), mean 0.3; deviations
    /// (0.2, −0.6, 0.2, 0.2), variance 0.48 / 3 = 0.16, standard error √(0.16 / 4) = 0.2.
    @Test func theLowestIsChosenAndTheOthersMeasuredAgainstIt() {
        let (index, comparisons) = ValidationChoice.choose([Self.first, [0.5, 2.3, 2.5, 3.5]])
        #expect(index == 1)
        #expect(abs(comparisons[0].loss - 2.5) < 1e-6 && abs(comparisons[1].loss - 2.2) < 1e-6)
        #expect(abs(comparisons[0].standardError - 0.2) < 1e-6 && comparisons[1].standardError == 0)
    }

    /// Differences (0.3, −0.5, 0.3, 0.3): mean 0.1, within the same standard error 0.2; the lower
    /// is still chosen.
    @Test func aLowerLossWithinOneStandardErrorIsStillChosen() {
        let (index, comparisons) = ValidationChoice.choose([Self.first, [0.7, 2.5, 2.7, 3.7]])
        #expect(index == 1)
        #expect(abs(comparisons[0].standardError - 0.2) < 1e-6)
    }

    /// The same mean difference with no spread has no error; equal losses keep the first.
    @Test func aConsistentDifferenceHasNoErrorAndTiesKeepTheFirst() {
        let (index, comparisons) = ValidationChoice.choose([Self.first, Self.first.map { $0 - 0.1 }])
        #expect(index == 1 && comparisons[0].standardError < 1e-6)
        #expect(ValidationChoice.choose([Self.first, Self.first]).index == 0)
    }

    /// Three candidates: each is measured against the lowest, not against the first.
    @Test func everyCandidateIsMeasuredAgainstTheLowest() {
        let third: [Float] = [0, 1, 2, 3]
        let second: [Float] = [0.3, 0.5, 2.3, 3.3]  // minus the third: (0.3, −0.5, 0.3, 0.3), error 0.2
        let (index, comparisons) = ValidationChoice.choose([Self.first, second, third])
        #expect(index == 2)
        #expect(comparisons[0].standardError == 0 && abs(comparisons[1].standardError - 0.2) < 1e-6)
    }

    @Test func oneItemHasNoError() {
        let (index, comparisons) = ValidationChoice.choose([[2], [1]])
        #expect(index == 1 && comparisons.allSatisfy { $0.standardError == 0 })
    }
}
