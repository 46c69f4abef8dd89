import Testing
import VisualEncoder
import Weights

/// Strict loading by timm's names: each way a checkpoint can be wrong is its own typed error.
@Suite struct LoadingErrorTests {
    /// Seeded weights with one change applied to the layout.
    struct Altered: WeightSource {
        let base: SeededWeights
        var sourceName: String { "altered.safetensors" }
        var tensorNames: [String] { base.tensorNames }
        func shape(of name: String) -> [Int]? { base.shape(of: name) }
        func values(_ name: String) throws -> [Float] { try base.values(name) }

        init(_ change: (inout [(name: String, shape: [Int])]) -> Void) {
            var layout = InceptionResNetV2.layout
            change(&layout)
            base = SeededWeights(layout: layout)
        }
    }

    func loadingError(_ source: any WeightSource) -> WeightLoadError? {
        do {
            _ = try InceptionResNetV2(weights: source)
            return nil
        } catch {
            print("\(error)")
            return error as? WeightLoadError
        }
    }

    @Test func missingTensorIsNamed() {
        let source = Altered { $0.removeAll { $0.name == "repeat_1.7.branch1.1.conv.weight" } }
        #expect(loadingError(source) == .missing(source: "altered.safetensors", tensor: "repeat_1.7.branch1.1.conv.weight",
                                                 shape: [160, 128, 1, 7]))
    }

    @Test func wrongShapeIsNamedWithBothShapes() {
        let source = Altered { layout in
            let index = layout.firstIndex { $0.name == "conv2d_7b.bn.running_var" }!
            layout[index].shape = [1537]
        }
        #expect(loadingError(source) == .wrongShape(source: "altered.safetensors", tensor: "conv2d_7b.bn.running_var",
                                                    expected: [1536], found: [1537]))
    }

    @Test func unusedTensorsAreListed() {
        let source = Altered { $0.append(("repeat_2.9.conv2d.weight", [2080, 448, 1, 1])) }
        #expect(loadingError(source) == .unused(source: "altered.safetensors", tensors: ["repeat_2.9.conv2d.weight"]))
    }

    @Test func classifierAndStepCountersAreIgnored() {
        let source = Altered {
            $0.append(("classif.weight", [1000, 1536]))
            $0.append(("classif.bias", [1000]))
            $0.append(("conv2d_1a.bn.num_batches_tracked", []))
        }
        #expect(loadingError(source) == nil)
    }

    @Test func anotherArchitectureIsRefused() {
        let source = SeededWeights(layout: [("features.0.weight", [64, 1, 3, 3]), ("features.0.bias", [64])])
        #expect(loadingError(source) == .missing(source: source.sourceName, tensor: "conv2d_1a.conv.weight",
                                                 shape: [32, 3, 3, 3]))
    }
}
