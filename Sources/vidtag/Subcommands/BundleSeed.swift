import ArgumentParser
import Foundation
import Pipeline
import Weights

/// `vidtag bundle seed --output DIR`: the demo bundle's random stand-in encoder weights
/// (``SeededEncoders``), the same bytes on every machine.
struct BundleSeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Write RANDOM stand-in encoder weights (not pretrained) for the demo bundle.",
        discussion: """
            These weights are random numbers, not trained models. They let the pipeline run \
            where no pretrained Inception-ResNet-v2 or VGGish weights can be downloaded; features \
            computed with them are fixed random projections, and any accuracy obtained with them \
            says nothing about the real networks. For real weights use `vidtag bundle import`.

            Writes into --output: visual.safetensors (full-size Inception-ResNet-v2 in timm's \
            names, 218 MB), audio.safetensors (full-size VGGish in torchvggish's names, 289 MB) \
            and audio-pca.safetensors (VGGish's PCA parameters). The files are deterministic: the \
            same bytes, hence the same SHA-256, on every run and machine (Models/demo/bundle.json \
            pins them). Existing files are replaced. Prints one JSON line per file: {"modality", \
            "role", "path", "sha256", "pretrained": false}. Does not write bundle.json.
            """
    )

    @Option(help: "The folder to write the weight files into (created if missing).")
    var output: String

    func run() throws {
        let encoders: [String: ModelBundle.Encoder]
        do {
            encoders = try SeededEncoders.write(to: output)
        } catch {
            throw CommandFailure(error)
        }
        for (modality, encoder) in encoders.sorted(by: { $0.key < $1.key }) {
            for (role, file) in encoder.files.sorted(by: { $0.key < $1.key }) {
                JSONLine.write(try JSONLine.encode(SeededFileRecord(
                    modality: modality, role: role, path: URL(fileURLWithPath: output).appendingPathComponent(file.path).path,
                    sha256: file.sha256, pretrained: false)))
            }
        }
    }
}

/// One line of `vidtag bundle seed`'s output.
struct SeededFileRecord: Encodable {
    let modality: String
    let role: String
    let path: String
    let sha256: String
    let pretrained: Bool
}
