import AudioEncoder
import Batch
import Foundation
import Head
import Kernels
import Media
import TextEncoder
import VisualEncoder
import Weights

/// Computes the feature set of one input record with the loaded encoders and writes it as a
/// feature file (see BatchJob): in `prepare`, on the look-ahead thread, decoding, the soundtrack
/// through VGGish (as it streams in) and the cover picture; in `finish`, the frames through
/// Inception-ResNet-v2 on every thread, the texts, and the file.
///
/// - a video gives `visual.frames` [T, 1536] with the frame timestamps in the metadata;
/// - a cover image gives `cover` [1536]; a video without one takes the middle sampled frame's
///   features as its cover and records `cover_from_frame`;
/// - a soundtrack (of a video or an audio file) gives `audio.frames` [A, 128], VGGish's raw
///   embeddings, computed while the audio streams in (bounded memory on long files).
/// - a title and summary give `text.title` [D] and `text.summary` [D]; products give
///   `product.items` [P, D], each encoded as "title category", each text on its own.
///   A junk title or summary (``JunkText``) is left out as if absent.
/// Modalities that cannot be had are recorded in the metadata's "missing", keyed by the head's
/// modality names (visual, cover, audio, title, summary, product), with a reason:
/// `no_video_stream`, `no_audio_stream`, `audio_too_short`, `cover_from_frame`, `cover_unreadable`
/// (the record's cover failed to decode; the middle frame stands in where there is video), `no_title`,
/// `junk_title`, `no_summary`, `junk_summary`, `no_products`.
public struct FeatureExtractor: BatchJob {
    public let encoders: EncoderSet
    public let plan: SamplingPlan
    public let mode: SamplingMode
    public let limits: MediaLimits
    /// Where feature files go.
    public let outputDirectory: String

    public init(encoders: EncoderSet, plan: SamplingPlan, mode: SamplingMode, limits: MediaLimits = MediaLimits(),
                outputDirectory: String) {
        (self.encoders, self.plan, self.mode, self.limits, self.outputDirectory) = (encoders, plan, mode, limits, outputDirectory)
    }

    var imageSize: Int { encoders.preprocessing.imageSize }

    /// Decoded pictures and embedded sound of one record.
    public struct Decoded: @unchecked Sendable {
        var video: VideoSample?
        /// `[1536]`: the cover picture, encoded here on the look-ahead thread, so that the
        /// encoding stage's workers share the frames evenly (16 frames on 2 workers).
        var cover: Tensor?
        /// `[A, 128]` raw VGGish embeddings.
        var audio: Tensor?
        /// Modality → why it is absent.
        var missing: [String: String] = [:]
        /// Time spent decoding ("decode") and in the audio encoder ("audio", which streams).
        public var timings = StageTimings()
        /// Why the record's cover could not be read, when it could not.
        var coverProblem: String?
    }

    public func prepare(_ record: InputRecord) throws -> Decoded {
        var decoded = Decoded()
        let file = try record.video.map { try MediaFile(path: $0, limits: limits) }
        let hasText = encoders.has(.text)
            && (record.texts.contains { JunkText.reason($0.text) == nil } || !record.productTexts.isEmpty)
        // What this item needs, loading in parallel while it decodes (the first item only).
        var needed: [EncoderSet.Kind] = hasText ? [.text] : []
        if encoders.has(.visual) && (record.cover != nil || file.map { $0.isStillImage || $0.videoStream != nil } == true) {
            needed.append(.visual)
        }
        if encoders.has(.audio), let file, !file.isStillImage, file.audioStream != nil { needed.append(.audio) }
        encoders.prefetch(needed)

        if let path = record.video, let file {
            if file.isStillImage {
                if encoders.has(.visual) { decoded.cover = try encodeCover(path, &decoded.timings) }
            } else {
                if encoders.has(.visual) {
                    if file.videoStream != nil {
                        decoded.video = try decoded.timings.measure("decode") {
                            try FrameSampler.sample(file, plan: plan, mode: mode, width: imageSize, height: imageSize)
                        }
                    } else {
                        decoded.missing["visual"] = "no_video_stream"
                    }
                }
                if encoders.has(.audio) {
                    if file.audioStream != nil {
                        do {
                            decoded.audio = try decoded.timings.measure("audio") { try embedAudio(path) }
                        } catch let error as AudioEncoderError {
                            decoded.missing["audio"] = error.code
                        }
                    } else {
                        decoded.missing["audio"] = "no_audio_stream"
                    }
                }
            }
        }
        if let cover = record.cover, encoders.has(.visual) {
            do {
                decoded.cover = try encodeCover(cover, &decoded.timings)
            } catch let error as MediaError where decoded.video != nil || decoded.audio != nil || hasText {
                // A bad cover costs the cover only: the middle frame stands in where there is video.
                decoded.missing["cover"] = "cover_unreadable"
                decoded.coverProblem = error.description
            }
        }
        if decoded.video == nil && decoded.cover == nil && decoded.audio == nil && !hasText {
            var reasons = decoded.missing
            if encoders.has(.text) && !record.texts.isEmpty { reasons["text"] = "junk_text" }
            throw NothingToEncode(path: record.input, reasons: reasons)
        }
        return decoded
    }

    /// The picture at `path` through Inception-ResNet-v2: `[1536]`.
    private func encodeCover(_ path: String, _ timings: inout StageTimings) throws -> Tensor {
        let image = try timings.measure("decode") {
            try ImageLoader.load(path, width: imageSize, height: imageSize, limits: limits)
        }
        let model = try encoders.visual()
        return timings.measure("visual") { encode(model, [image]).reshaped([InceptionResNetV2.featureWidth]) }
    }

    /// The file's soundtrack through VGGish, chunk by chunk: `[A, 128]`.
    private func embedAudio(_ path: String) throws -> Tensor {
        var embedder = AudioEmbedder(model: try encoders.audio())
        let reader = try AudioReader(file: MediaFile(path: path, limits: limits))
        try reader.read(chunkSize: AudioReader.sampleRate) { embedder.append($0) }
        return try embedder.finish()
    }

    public func finish(_ decoded: Decoded, record: InputRecord) throws -> String {
        var timings = decoded.timings
        let features = try encode(decoded, record: record, timings: &timings)
        let path = try features.write(to: outputDirectory)
        return JSONText.encode(ExtractLine(id: record.id, input: record.input, output: path,
                                           tensors: features.tensors.mapValues(\.shape)))
    }

    /// The feature set of one decoded record; adds the encoders' times ("visual", "text") to `timings`.
    public func encode(_ decoded: Decoded, record: InputRecord, timings: inout StageTimings) throws -> FeatureSet {
        var features = FeatureSet(id: record.id)
        var sources: [String: String] = [:]
        sources["video"] = record.video
        sources["cover"] = record.cover
        features.metadata["sources"] = JSONText.encode(sources)
        features.encoders = encoders.hashes
        var missing = decoded.missing
        if let audio = decoded.audio { features.tensors["audio.frames"] = audio }
        if let cover = decoded.cover { features.tensors["cover"] = cover }
        if let video = decoded.video {
            let visual = try encoders.visual()
            let frames = timings.measure("visual") { encode(visual, video.frames.map(\.image)) }
            features.tensors["visual.frames"] = frames
            features.metadata["frame_timestamps"] = JSONText.encode(video.frames.map(\.time))
            features.metadata["sampling"] = mode.rawValue
            if video.truncated { features.metadata["truncated"] = "true" }
            if decoded.cover == nil {
                let (middle, width) = (frames.shape[0] / 2, InceptionResNetV2.featureWidth)
                features.tensors["cover"] = Tensor(shape: [width],
                                                   data: Array(frames.data[middle * width..<(middle + 1) * width]))
                if missing["cover"] == nil { missing["cover"] = "cover_from_frame" }
            }
        }
        if encoders.has(.text) {
            try timings.measure("text") { try encodeText(record, into: &features, missing: &missing) }
        }
        features.texts = Self.channelTexts(record)
        if let problem = decoded.coverProblem { features.metadata["cover_problem"] = problem }
        features.missing = missing
        return features
    }

    /// `text.title`, `text.summary` [D] and `product.items` [P, D], each text on its own, junk titles and
    /// summaries left out; truncated texts are listed in the metadata's "text_truncated".
    private func encodeText(_ record: InputRecord, into features: inout FeatureSet,
                            missing: inout [String: String]) throws {
        var named: [(name: String, text: String)] = []
        for (modality, tensor, text) in [("title", "text.title", record.title), ("summary", "text.summary", record.summary)] {
            guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                missing[modality] = "no_\(modality)"
                continue
            }
            if JunkText.reason(text) != nil {
                missing[modality] = "junk_\(modality)"
            } else {
                named.append((tensor, text))
            }
        }
        let products = record.productTexts
        if products.isEmpty { missing["product"] = "no_products" }
        guard !named.isEmpty || !products.isEmpty else { return }
        let embeddings = try encoders.text().encode(named.map(\.text) + products)
        let width = embeddings.vectors.shape[1]
        func row(_ i: Int) -> [Float] { Array(embeddings.vectors.data[i * width..<(i + 1) * width]) }
        var truncated: [String] = []
        for (i, item) in named.enumerated() {
            features.tensors[item.name] = Tensor(shape: [width], data: row(i))
            if embeddings.truncated[i] { truncated.append(item.name) }
        }
        if !products.isEmpty {
            let first = named.count
            features.tensors["product.items"] = Tensor(shape: [products.count, width],
                                                       data: (first..<first + products.count).flatMap(row))
            if embeddings.truncated[first...].contains(true) { truncated.append("product.items") }
        }
        if !truncated.isEmpty { features.metadata["text_truncated"] = JSONText.encode(truncated) }
    }

    /// What the text channel reads (``FeatureSet/texts``): the title and summary unless junk,
    /// and every product's text.
    static func channelTexts(_ record: InputRecord) -> [String: [String]] {
        var texts: [String: [String]] = [:]
        for (field, text) in [("title", record.title), ("summary", record.summary)] {
            guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, JunkText.reason(text) == nil
            else { continue }
            texts[field] = [text]
        }
        if !record.productTexts.isEmpty { texts["product"] = record.productTexts }
        return texts
    }

    /// `images` → `[N, 1536]`, all pictures of one item, each normalised on the worker that
    /// encodes it.
    private func encode(_ model: InceptionResNetV2, _ images: [RGBImage]) -> Tensor {
        model.forward(count: images.count) { index in
            ImagePreprocessing.normalise([images[index].pixels], width: imageSize, height: imageSize)
        }
    }
}

/// The line `vidtag extract` prints for an extracted input.
struct ExtractLine: Encodable {
    let id: String
    let input: String
    let output: String
    let tensors: [String: [Int]]
}

/// An input in which no loaded encoder found anything (e.g. a silent video with only the audio
/// encoder loaded). Its code is the single reason, or `no_usable_stream`.
public struct NothingToEncode: Error, CustomStringConvertible, Sendable {
    public let path: String
    /// Modality → why it is absent.
    public let reasons: [String: String]

    public var code: String { reasons.count == 1 ? reasons.values.first! : "no_usable_stream" }

    public var description: String {
        "\(path): nothing for the loaded encoders ("
            + reasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
    }
}
