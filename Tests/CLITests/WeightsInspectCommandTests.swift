import Foundation
import Testing

/// `vidtag weights inspect`: the tensors of a file written by the Python safetensors package.
@Suite struct WeightsInspectCommandTests {
    let file = CLI.fixtures.appendingPathComponent("safetensors/f16.safetensors").path

    @Test func tableListsEveryTensor() throws {
        let result = try CLI.run(["weights", "inspect", file])
        #expect(result.status == 0)
        #expect(result.stdout.contains("block.0.conv.weight  F16    [4, 2, 3, 3]    144"))
        #expect(result.stdout.contains("total: 5 tensors"))
    }

    @Test func jsonLinesOnePerTensorThenMetadata() throws {
        let result = try CLI.run(["weights", "inspect", "--json", file])
        #expect(result.status == 0)
        #expect(result.lines.count == 6)
        let first = CLI.object(result.lines[0])
        #expect(first["name"] as? String == "block.0.conv.weight")
        #expect(first["shape"] as? [Int] == [4, 2, 3, 3])
        #expect(CLI.object(result.lines[5])["metadata"] != nil)
    }

    @Test func damagedFileIsAClearErrorWithStatusOne() throws {
        let result = try CLI.run(["weights", "inspect", CLI.fixtures.appendingPathComponent("media/text.mp4").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("header length prefix"))
        #expect(result.stdout.isEmpty)
    }
}
