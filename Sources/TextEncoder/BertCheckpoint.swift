import Kernels
import Weights

/// Strict reading of a Hugging Face BERT `model.safetensors`: each tensor by its checkpoint
/// name, its shape checked against the configuration, and every tensor accounted for.
///
/// Names are those transformers saves (`embeddings.word_embeddings.weight`,
/// `encoder.layer.0.attention.self.query.weight`, …), as `BertModel` writes them or with the
/// `bert.` prefix of `BertForMaskedLM`, `BertForSequenceClassification`, … (the prefix is
/// detected from the word-embedding tensor). Tensors nobody reads are an error, except:
/// `embeddings.position_ids` / `embeddings.token_type_ids` (buffers older versions saved),
/// the pooler when the pooling does not use it, and task heads outside the encoder
/// (`cls.*`, `classifier.*`, `qa_outputs.*`).
final class BertCheckpoint {
    let file: SafetensorsFile
    /// "" or "bert.".
    let prefix: String
    private var used: Set<String> = []

    static let ignorableBuffers: Set<String> = ["embeddings.position_ids", "embeddings.token_type_ids"]
    static let taskHeads = ["cls.", "classifier.", "qa_outputs."]

    init(path: String) throws(TextEncoderError) {
        do {
            file = try SafetensorsFile(path: path)
        } catch {
            if case .unreadable = error { throw .missingFile(path: path, what: "the weights (model.safetensors)") }
            throw .weights(error)
        }
        let names = Set(file.names)
        prefix = !names.contains("embeddings.word_embeddings.weight")
            && names.contains("bert.embeddings.word_embeddings.weight") ? "bert." : ""
    }

    var path: String { file.path }

    /// Whether the checkpoint holds `name` (without the prefix).
    func contains(_ name: String) -> Bool {
        (try? file.entry(prefix + name)) != nil
    }

    /// The stored shape of `name` (without the prefix).
    func shape(_ name: String) throws(TextEncoderError) -> [Int] {
        do {
            return try file.entry(prefix + name).shape
        } catch {
            throw .missingTensor(file: path, tensor: prefix + name, expected: [])
        }
    }

    /// The tensor `name` (without the prefix) as floats, after checking its shape is `shape`.
    func floats(_ name: String, shape: [Int]) throws(TextEncoderError) -> [Float] {
        let fullName = prefix + name
        let entry: SafetensorsEntry
        do {
            entry = try file.entry(fullName)
        } catch {
            throw .missingTensor(file: path, tensor: fullName, expected: shape)
        }
        guard entry.shape == shape else {
            throw .shapeMismatch(file: path, tensor: fullName, expected: shape, found: entry.shape)
        }
        used.insert(fullName)
        do {
            return try file.floats(fullName)
        } catch {
            throw .weights(error)
        }
    }

    /// A `nn.Linear` stored as `<name>.weight` `[out, in]` and `<name>.bias` `[out]`.
    func linear(_ name: String, in inFeatures: Int, out outFeatures: Int) throws(TextEncoderError) -> Linear {
        Linear(weight: try floats(name + ".weight", shape: [outFeatures, inFeatures]),
               bias: try floats(name + ".bias", shape: [outFeatures]),
               inFeatures: inFeatures, outFeatures: outFeatures)
    }

    /// A `nn.LayerNorm` stored as `<name>.weight` (gamma) and `<name>.bias` (beta), both `[width]`.
    func layerNorm(_ name: String, width: Int, eps: Float) throws(TextEncoderError) -> LayerNormWeights {
        LayerNormWeights(gamma: try floats(name + ".weight", shape: [width]),
                         beta: try floats(name + ".bias", shape: [width]), eps: eps)
    }

    /// Throws ``TextEncoderError/unusedTensors(file:tensors:)`` when a tensor was not read and
    /// is not ignorable; `poolerUsed` says whether `pooler.*` should have been read.
    func checkAllUsed(poolerUsed: Bool) throws(TextEncoderError) {
        let unused = file.names.filter { name in
            guard !used.contains(name) else { return false }
            if Self.taskHeads.contains(where: { name.hasPrefix($0) }) { return false }
            guard name.hasPrefix(prefix) else { return true }
            let local = String(name.dropFirst(prefix.count))
            if Self.ignorableBuffers.contains(local) { return false }
            if !poolerUsed && local.hasPrefix("pooler.") { return false }
            return true
        }
        guard unused.isEmpty else { throw .unusedTensors(file: path, tensors: unused) }
    }
}
