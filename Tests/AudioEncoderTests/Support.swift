import Foundation
import Kernels
import Weights
@testable import AudioEncoder

/// Paths of committed fixtures.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func vggish(_ name: String) -> String { root.appendingPathComponent("vggish/\(name)").path }
    static func media(_ name: String) -> String { root.appendingPathComponent("media/\(name)").path }
}

/// The reference outputs of `Scripts/reference/make_vggish_goldens.py` (Fixtures/vggish/goldens.safetensors).
enum Goldens {
    static let file: SafetensorsFile = try! SafetensorsFile(path: Fixture.vggish("goldens.safetensors"))
    static let clips = ["wav44", "wav48", "synthetic"]

    static func tensor(_ name: String) throws -> Tensor { try file.tensor(name) }
}

/// Built once for the whole suite: the full-size seeded network (see VGGishSeededWeights).
enum Seeded {
    static let weights = VGGishWeights.seeded()
    static let model = VGGish(weights: weights)
}

/// The largest absolute elementwise difference; infinite when the shapes differ.
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.data, b.data).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// The cosine similarity of row `row` of two [A, D] tensors, in double.
func cosine(_ a: Tensor, _ b: Tensor, row: Int) -> Double {
    let d = a.shape[1]
    var (dot, na, nb) = (0.0, 0.0, 0.0)
    for j in 0..<d {
        let (x, y) = (Double(a.data[row * d + j]), Double(b.data[row * d + j]))
        dot += x * y
        na += x * x
        nb += y * y
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}

/// A temporary file path, removed by the caller.
func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("vidtag-audio-\(UUID().uuidString)-\(name)").path
}
