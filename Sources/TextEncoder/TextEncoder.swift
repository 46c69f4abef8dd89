import Kernels

/// Sentence vectors of a batch of texts.
public struct TextEmbeddings: Sendable, Equatable {
    /// `[N, W]`: one row per text, in input order (W = D × pooling modes).
    public var vectors: Tensor
    /// `[N]`: whether the text was cut to the maximum length.
    public var truncated: [Bool]
    /// `[N]`: the ids each text took, [CLS] and [SEP] included, after truncation.
    public var tokenCounts: [Int]
}

/// Texts → sentence vectors with a BERT model: tokenizer, encoder and pooling from one
/// directory (e.g. all-MiniLM-L6-v2: mean pooling, then L2 normalisation, 384-d).
///
/// ```swift
/// let encoder = try TextEncoder(directory: "Models/demo/text/all-MiniLM-L6-v2")
/// let result = encoder.encode(["2024新款夏季短袖T恤", "wireless earbuds"])
/// result.vectors.shape  // [2, 384]
/// result.truncated      // [false, false]
/// ```
public struct TextEncoder: Sendable {
    public let directory: ModelDirectory
    public let tokenizer: BertTokenizer
    public let model: BertModel
    public let pooling: SentencePooling

    /// Loads a model directory (see ``ModelDirectory``).
    ///
    /// - Parameters:
    ///   - pooling: overrides the directory's sentence-transformers pooling; without either,
    ///     mean pooling without normalisation.
    ///   - maxLength: overrides the maximum ids per text (capped by the position table).
    /// - Throws: ``TextEncoderError``: a missing or malformed file, a checkpoint that does not
    ///   match `config.json`, a vocabulary larger than the embedding table, or pooling by the
    ///   pooler on a checkpoint without one.
    public init(directory path: String, pooling: SentencePooling? = nil, maxLength: Int? = nil)
        throws(TextEncoderError)
    {
        // The small files first, so that their errors come before reading the weights.
        let directory = try ModelDirectory(path: path)
        let bert = directory.bertPath
        let config = try BertConfig(path: bert + "/config.json")
        var length = config.maxPositions
        if let maxLength {
            length = min(length, maxLength)
        } else {
            length = min(length, try ModelDirectory.maxSequenceLength(directory: bert))
        }
        let tokenizer = try BertTokenizer(directory: bert, maxLength: length)
        guard tokenizer.idLimit <= config.vocabularySize else {
            throw .vocabularyTooLarge(vocabulary: bert + "/vocab.txt", ids: tokenizer.idLimit,
                                      config: bert + "/config.json", rows: config.vocabularySize)
        }
        let model = try BertModel(config: config, weights: bert + "/model.safetensors")
        let chosen = pooling ?? directory.pooling ?? .mean
        if chosen.modes.contains(.pooler) && !model.hasPooler {
            throw .weights(.missing(source: bert + "/model.safetensors", tensor: "pooler.dense.weight",
                                    shape: [config.hiddenSize, config.hiddenSize]))
        }
        (self.directory, self.tokenizer, self.model, self.pooling) = (directory, tokenizer, model, chosen)
    }

    /// The width of the vectors.
    public var dimension: Int { pooling.dimension(hidden: model.config.hiddenSize) }

    /// Encodes `texts` → ``TextEmbeddings`` with `[N, W]` vectors, `batchSize` texts per forward
    /// pass, the passes spread over the threads (`Threading.forEach`).
    ///
    /// With the default of one text per pass, a text's vector has the same bits whatever the
    /// other texts, their order and the number of threads: every product it makes has shapes of
    /// that text alone. Packing several texts into one pass (``TokenBatch``) makes products of
    /// other shapes, whose rounding (OpenBLAS's blocking) then depends on the neighbours: the
    /// vectors agree to ~1e-7, not bit for bit. Packing is faster because the weights are read
    /// once per pass, not once per short text: all-MiniLM-L6-v2 did 744 titles/s in passes of
    /// 32 against 355 one at a time (`vidtag-bench text --batch-sizes 1,32`, 2 threads, Zen 5),
    /// about 6 ms more for a video's four texts, against seconds for its frames.
    public func encode(_ texts: [String], batchSize: Int = 1) -> TextEmbeddings {
        precondition(batchSize >= 1, "TextEncoder: batchSize must be at least 1")
        let tokenized = texts.map(tokenizer.encode)
        let starts = Array(stride(from: 0, to: texts.count, by: batchSize))
        let width = dimension
        var vectors = [Float](repeating: 0, count: texts.count * width)
        vectors.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!  // each pass writes its own texts' rows
            Threading.forEach(starts.count) { index in
                let start = starts[index]
                let batch = TokenBatch(tokenized[start..<min(start + batchSize, texts.count)].map(\.ids))
                (out + start * width).update(from: embed(batch).data, count: batch.count * width)
            }
        }
        return TextEmbeddings(vectors: Tensor(shape: [texts.count, width], data: vectors),
                              truncated: tokenized.map(\.truncated), tokenCounts: tokenized.map(\.ids.count))
    }

    /// Pooled (and, when configured, normalised) vectors of token id sequences: `[B, W]`.
    public func embed(_ batch: TokenBatch) -> Tensor {
        let hidden = model.hiddenStates(batch)  // [N, D]
        let d = model.config.hiddenSize
        let parts = pooling.modes.map { mode in
            mode == .pooler ? model.pooledOutput(hidden, batch)! : mode.pool(hidden, batch)  // [B, D] each
        }
        var pooled: Tensor
        if parts.count == 1 {
            pooled = parts[0]
        } else {
            var data = [Float](repeating: 0, count: batch.count * d * parts.count)
            for b in 0..<batch.count {
                for (k, part) in parts.enumerated() {
                    let target = (b * parts.count + k) * d
                    data[target..<target + d] = part.data[b * d..<(b + 1) * d]
                }
            }
            pooled = Tensor(shape: [batch.count, d * parts.count], data: data)
        }
        if pooling.normalize { pooled = SentencePooling.l2Normalized(pooled) }
        return pooled
    }
}
