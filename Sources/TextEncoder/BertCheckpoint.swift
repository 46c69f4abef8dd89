import Weights

/// The layout of a Hugging Face BERT `model.safetensors`, read strictly by ``StrictLoader``:
/// each tensor by its checkpoint name, its shape checked against the configuration, and every
/// tensor accounted for.
///
/// Names are those transformers saves (`embeddings.word_embeddings.weight`,
/// `encoder.layer.0.attention.self.query.weight`, …), as `BertModel` writes them or with the
/// `bert.` prefix of `BertForMaskedLM`, `BertForSequenceClassification`, … (the prefix is
/// detected from the word-embedding tensor). Tensors nobody reads are an error, except
/// `embeddings.position_ids` / `embeddings.token_type_ids` (buffers older versions saved) and
/// task heads outside the encoder (`cls.*`, `classifier.*`, `qa_outputs.*`).
enum BertCheckpoint {
    static let ignorableBuffers: Set<String> = ["embeddings.position_ids", "embeddings.token_type_ids"]
    static let taskHeads = ["cls.", "classifier.", "qa_outputs."]

    /// A loader over the file at `path`, and the scope of the encoder's names in it.
    static func open(path: String) throws(TextEncoderError) -> (loader: StrictLoader, encoder: WeightScope) {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(path: path)
        } catch {
            if case .unreadable = error { throw .missingFile(path: path, what: "the weights (model.safetensors)") }
            throw .weights(.file(.safetensors(error)))
        }
        let names = Set(file.names)
        let prefix = !names.contains("embeddings.word_embeddings.weight")
            && names.contains("bert.embeddings.word_embeddings.weight") ? "bert." : ""
        let loader = StrictLoader(file) { name in
            taskHeads.contains { name.hasPrefix($0) }
                || (name.hasPrefix(prefix) && ignorableBuffers.contains(String(name.dropFirst(prefix.count))))
        }
        return (loader, loader.scope(String(prefix.dropLast())))
    }
}

extension WeightScope {
    /// A `nn.LayerNorm` stored as `<leaf>.weight` (gamma) and `<leaf>.bias` (beta), both `[width]`.
    func layerNorm(_ leaf: String, width: Int, eps: Float) throws(WeightLoadError) -> LayerNormWeights {
        LayerNormWeights(gamma: try tensor(leaf + ".weight", shape: [width]),
                         beta: try tensor(leaf + ".bias", shape: [width]), eps: eps)
    }
}
