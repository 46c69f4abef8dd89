import Foundation
import Kernels
import Weights

/// The PyTorch reference outputs written by `Scripts/reference/make_kernel_goldens.py`.
struct KernelGoldens {
    /// One case as the script describes it in the file's "cases" metadata.
    struct Case: Decodable {
        let name: String
        let kind: String
        let kernel: [Int]?
        let stride: [Int]?
        let padding: PaddingSpec?
        let inChannels: Int?
        let outChannels: Int?
        let bias: Bool?
        let relu: Bool?
        let bn: Bool?
        let bnEps: Float?
        let countIncludePad: Bool?
        let eps: Float?

        enum CodingKeys: String, CodingKey {
            case name, kind, kernel, stride, padding, bias, relu, bn, eps
            case inChannels = "in_channels", outChannels = "out_channels", bnEps = "bn_eps"
            case countIncludePad = "count_include_pad"
        }
    }

    /// "valid", "same" or [top, bottom, left, right].
    struct PaddingSpec: Decodable {
        let padding: Padding
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let word = try? container.decode(String.self) {
                switch word {
                case "valid": padding = .valid
                case "same": padding = .same
                default: throw DecodingError.dataCorruptedError(in: container, debugDescription: "padding \(word)")
                }
            } else {
                let sides = try container.decode([Int].self)
                padding = .explicit(top: sides[0], bottom: sides[1], left: sides[2], right: sides[3])
            }
        }
    }

    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/kernels/kernels.safetensors")

    let file: SafetensorsFile
    let cases: [Case]

    init() throws {
        file = try SafetensorsFile(path: Self.url.path)
        cases = try JSONDecoder().decode([Case].self, from: Data((file.metadata["cases"] ?? "[]").utf8))
    }

    func cases(kinds: String...) -> [Case] { cases.filter { kinds.contains($0.kind) } }

    func tensor(_ testCase: Case, _ part: String) throws -> Tensor {
        try file.tensor("\(testCase.name).\(part)")
    }

    func optionalFloats(_ testCase: Case, _ part: String) throws -> [Float]? {
        let name = "\(testCase.name).\(part)"
        return file.entries.contains { $0.name == name } ? try file.floats(name) : nil
    }
}

/// The largest absolute elementwise difference; infinite when the shapes differ.
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.data, b.data).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
