import Testing
@testable import Head

/// AdamW's parameter groups: NetVLAD's tensors with a weight decay of their own, the text
/// channel's table at a multiple of the learning rate. (That the groups follow PyTorch's
/// `param_groups` over ten steps is `HeadGoldenTests.tenAdamStepsMatchPyTorch`.)
struct OptimizerGroupTests {
    let layout = ParameterLayout([
        ("netvlad.visual.assign.weight", [2, 3]), ("proj.visual.weight", [4, 6]),
        ("netvlad.visual.centers", [2, 3]), ("chars.table", [5, 2]),
    ])

    @Test func netvladTensorsAndTheTextTableGetGroupsOfTheirOwn() {
        var options = TrainingOptions()
        #expect(options.optimizerGroups(layout) == [
            AdamW.Group(range: 0..<6, weightDecay: 0), AdamW.Group(range: 30..<36, weightDecay: 0),
            AdamW.Group(range: 36..<46, learningRateScale: 10),
        ])
        options.netvladWeightDecay = nil  // heads trained before the option: NetVLAD decays with the rest
        #expect(options.optimizerGroups(layout) == [AdamW.Group(range: 36..<46, learningRateScale: 10)])
    }

    /// With zero gradients a step only decays: θ·(1 − lr·wd) with the group's lr and wd.
    @Test func eachGroupDecaysAtItsOwnRate() {
        let parameters = FloatBuffer(count: layout.count), gradients = FloatBuffer(count: layout.count)
        for i in 0..<layout.count { parameters.pointer[i] = Float(i + 1) }
        let optimizer = AdamW(parameterCount: layout.count, weightDecay: 0.5)
        optimizer.groups = TrainingOptions().optimizerGroups(layout)
        optimizer.update(parameters: parameters, gradients: gradients, learningRate: 0.01)
        for i in 0..<layout.count {
            let factor: Float = switch i {
            case 0..<6, 30..<36: 1  // NetVLAD: no decay
            case 36..<46: 1 - 0.1 * 0.5  // the table: 10 × lr
            default: 1 - 0.01 * 0.5
            }
            let expected = Double(i + 1) * Double(factor)
            #expect(abs(Double(parameters.pointer[i]) - expected) <= 1e-6 * expected, "parameter \(i)")
        }
    }
}
