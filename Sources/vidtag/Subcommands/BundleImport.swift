import ArgumentParser
import Bundles
import Foundation
import Pipeline
import Weights

/// `vidtag bundle import`: a bundle from pretrained weights in their published formats
/// (``BundleImporter``), optionally with a head trained on features of those weights.
struct BundleImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Build a model bundle from pretrained weights in their published formats.",
        discussion: """
            Each file is loaded strictly, exactly as `vidtag extract` would load it: timm's \
            inception_resnet_v2 safetensors (--visual), torchvggish's .pth or safetensors \
            (--audio, with --audio-pca for the PCA parameters), a Hugging Face BERT directory \
            with config.json, vocab.txt and model.safetensors (--text). The files are \
            hard-linked into --output (copied across file systems) and named in bundle.json with \
            their SHA-256 and "pretrained": true; the taxonomy is copied to taxonomy.json. \
            --output must not exist (or be empty): import never overwrites, and a failed import \
            leaves nothing behind.

            Walkthrough (docs/import.md): import the encoders; `vidtag extract --bundle DIR` your \
            videos; `vidtag train --taxonomy DIR/taxonomy.json` on your labels; import again with \
            --head HEAD into a new folder (hard links make that cheap). A head is accepted only if \
            it was trained on features of exactly these encoders and on this taxonomy.

            Prints the bundle's files, one line each, as `vidtag bundle verify` does.
            """
    )

    @Option(help: "timm inception_resnet_v2 weights (safetensors).")
    var visual: String?

    @Option(help: "torchvggish VGGish weights (.pth or safetensors).")
    var audio: String?

    @Option(help: "torchvggish PCA parameters (.pth or safetensors), e.g. vggish_pca_params-970ea276.pth.")
    var audioPca: String?

    @Option(help: "A Hugging Face BERT directory (config.json, vocab.txt, model.safetensors; sentence-transformers files optional).")
    var text: String?

    @Option(help: "The taxonomy JSON (a name, level-1 categories with ids and names, each with its level-2 children; see Models/taxonomy/taobao.json) the head is or will be trained on.")
    var taxonomy: String

    @Option(help: "A head directory written by `vidtag train` on features extracted with these encoders.")
    var head: String?

    @Option(help: "The new bundle's folder (must not exist, or be empty).")
    var output: String

    @Option(help: "The bundle's name (default: the output folder's name).")
    var name: String?

    @Option(help: "Frames the bundle samples per video.")
    var frames = 16

    @Option(help: "Frame sampling: exact or keyframe.")
    var sampling = "exact"

    @Option(help: "Most tokens per text (default: the text model's own setting).")
    var textMaxLength: Int?

    func validate() throws {
        if visual == nil && audio == nil && text == nil {
            throw ValidationError("give at least one encoder: --visual FILE, --audio FILE, --text DIR")
        }
        guard frames >= 1 else { throw ValidationError("--frames must be at least 1, got \(frames)") }
        guard ["exact", "keyframe"].contains(sampling) else { throw ValidationError("--sampling is exact or keyframe") }
        if let textMaxLength, textMaxLength < 2 { throw ValidationError("--text-max-length must be at least 2") }
    }

    func run() throws {
        let bundleName = name ?? URL(fileURLWithPath: output).standardizedFileURL.lastPathComponent
        let importer = BundleImporter(
            sources: .init(visual: visual, audio: audio, audioPCA: audioPca, text: text, taxonomy: taxonomy, head: head),
            name: bundleName,
            preprocessing: .init(frames: frames, sampling: sampling, imageSize: 299, textMaxLength: textMaxLength))
        do {
            let plan = try importer.validate()
            let bundle = try importer.write(plan, to: output)
            for line in try bundle.verify() { print(line) }
            print("\(output): bundle '\(bundle.name)' imported\(bundle.head == nil ? " (no head yet)" : " with its head")")
        } catch {
            throw CommandFailure(error)
        }
    }
}
