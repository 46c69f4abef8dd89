import Foundation
import Kernels
import Testing
@testable import AudioEncoder

/// PCA, clipping and 8-bit quantisation against Google's `vggish_postprocess.py` (truncation)
/// and torchvggish's `Postprocessor` (rounding), with the seeded PCA parameters.
@Suite struct PostprocessorTests {
    static let pca = Seeded.weights.pca!

    /// Codes that differ, and how many of those sit within `margin` of a truncation boundary
    /// in the reference's quantiser argument.
    static func compare(_ ours: [UInt8], _ expected: [Float], scaled: [Float], margin: Float)
        -> (differ: Int, atBoundary: Int)
    {
        var differ = 0, atBoundary = 0
        for i in ours.indices where Float(ours[i]) != expected[i] {
            differ += 1
            let q = scaled[i]
            if abs(q - q.rounded()) <= margin { atBoundary += 1 }
        }
        return (differ, atBoundary)
    }

    @Test(arguments: Goldens.clips)
    func googleTruncationOnReferenceEmbeddings(_ clip: String) throws {
        // The reference's own embeddings: only the PCA arithmetic differs (double in both,
        // summed in another order), so codes may differ only where q is within 1e-9 of an integer.
        let embeddings = try Goldens.tensor("embedding.\(clip)")
        let codes = VGGishPostprocessor(pca: Self.pca)(embeddings)
        let expected = try Goldens.tensor("google.\(clip)").data
        let scaled = try Goldens.tensor("pca.\(clip)").data
        let (differ, atBoundary) = Self.compare(codes, expected, scaled: scaled, margin: 1e-4)
        let q = VGGishPostprocessor(pca: Self.pca).scaled(embeddings)
        let qDifference = zip(q, scaled).map { abs(Float($0) - $1) }.max() ?? 0
        print("PCA+truncate \(clip), reference embeddings: \(differ) of \(codes.count) codes differ "
              + "(\(atBoundary) of them at a boundary); quantiser argument max |Δ| \(qDifference) "
              + "(float32 storage of the golden)")
        #expect(differ == atBoundary)
        #expect(differ <= 2)
    }

    @Test(arguments: Goldens.clips)
    func googleTruncationOnOurEmbeddings(_ clip: String) throws {
        // Our embeddings differ from the reference's by float32 rounding (~1e-6 relative), so a
        // code may flip only where q is that close to an integer.
        let embeddings = Seeded.model.embed(try Goldens.tensor("logmel.\(clip)"))
        let codes = VGGishPostprocessor(pca: Self.pca)(embeddings)
        let expected = try Goldens.tensor("google.\(clip)").data
        let scaled = try Goldens.tensor("pca.\(clip)").data
        let (differ, atBoundary) = Self.compare(codes, expected, scaled: scaled, margin: 1e-3)
        let largest = zip(codes, expected).map { abs(Float($0) - $1) }.max() ?? 0
        print("PCA+truncate \(clip), our embeddings: \(differ) of \(codes.count) codes differ, all by ≤ \(largest), "
              + "\(atBoundary) within 1e-3 of a truncation boundary")
        #expect(differ == atBoundary)
        #expect(largest <= 1)
    }

    @Test(arguments: Goldens.clips)
    func torchvggishRounding(_ clip: String) throws {
        let embeddings = try Goldens.tensor("embedding.\(clip)")
        let rounded = VGGishPostprocessor(pca: Self.pca, rounding: .round)(embeddings)
        let truncated = VGGishPostprocessor(pca: Self.pca)(embeddings)
        let expected = try Goldens.tensor("torchvggish.\(clip)").data
        let scaled = try Goldens.tensor("pca.\(clip)").data
        // torchvggish computes PCA in float32: codes may differ where q is within ~1e-4 of a half.
        var differ = 0, atHalf = 0
        for i in rounded.indices where Float(rounded[i]) != expected[i] {
            differ += 1
            if abs(scaled[i] - scaled[i].rounded(.down) - 0.5) <= 1e-3 { atHalf += 1 }
        }
        let changed = zip(rounded, truncated).filter { $0 != $1 }.count
        print("PCA+round (torchvggish) \(clip): \(differ) of \(rounded.count) codes differ from torchvggish "
              + "(\(atHalf) at a rounding boundary); rounding and truncation differ in \(changed) codes "
              + "(\(String(format: "%.1f", 100 * Double(changed) / Double(rounded.count)))%)")
        #expect(differ == atHalf)
    }

    @Test func clippingAndRange() {
        // One component far below −2 and one far above +2 give 0 and 255 under both roundings.
        let pca = VGGishPCA(eigenVectors: [1, 0, 0, 1], means: [0, 0])
        let embeddings = Tensor(shape: [1, 2], data: [-50, 50])
        #expect(VGGishPostprocessor(pca: pca)(embeddings) == [0, 255])
        #expect(VGGishPostprocessor(pca: pca, rounding: .round)(embeddings) == [0, 255])
        // 0 maps to q = 127.5: Google truncates to 127, torchvggish rounds half to even, 128.
        let zero = Tensor(shape: [1, 2], data: [0, 0])
        #expect(VGGishPostprocessor(pca: pca)(zero) == [127, 127])
        #expect(VGGishPostprocessor(pca: pca, rounding: .round)(zero) == [128, 128])
    }
}
