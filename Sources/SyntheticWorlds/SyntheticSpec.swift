import Head

/// The knobs of the synthetic feature-set generator (``SyntheticWorld``). The defaults were
/// fixed before any variant comparison was run (docs/head.md tells the story) and are what
/// `vidtag-bench head compare` uses.
///
/// The generative story: a video of level-2 class j has a content latent z = μ_j + σ_video·ε
/// in a latent space of `latentDim` dims, where μ_j = μ_parent + `siblingSpread`·ε (siblings
/// are closer than cousins: the article's observation about level-2 classes). Each modality
/// *observes* z only partly and with its own quality q: it sees a fixed subset of the latent's
/// coordinates (its "aspect" mask: what that channel can talk about) mixed with noise,
///   u = mask ⊙ (q·latent + √(1−q²)·σ·ξ) + (1 − mask) ⊙ σ·ξ',
/// where ξ, ξ' are drawn once per video (per shot for part of the visual noise, see
/// `videoShare`), so repeated frames do not average a modality's ambiguity away,
/// and renders u through its encoder's fixed random map (plus a per-video nuisance "style"
/// vector and feature noise) into the feature space of that encoder: IRv2-like non-negative
/// 1536-d frames and cover, VGGish-like 128-d audio frames, unit-norm 384-d text vectors.
public struct SyntheticSpec: Codable, Sendable, Equatable {
    // taxonomy and class frequencies
    public var level1Count = 10
    public var minChildren = 3
    public var maxChildren = 6
    /// Class frequencies fall as 1/(rank+1)^skew, within each level (a long tail).
    public var classSkew = 0.5

    // latent space
    public var latentDim = 64
    /// Spread of level-2 prototypes around their parent (level-1 prototypes have spread 1).
    public var siblingSpread = 0.6
    /// Per-video spread of the content latent around its class prototype.
    public var videoSpread = 0.6
    /// Scale σ of the noise that replaces what a modality does not observe.
    public var observationNoise = 1.2
    /// Dimension of the per-video nuisance ("style") vector of each encoder family.
    public var nuisanceDim = 16
    /// Standard deviation of elementwise feature noise (before the encoder's nonlinearity).
    public var featureNoise = 0.3

    // feature widths (the default encoders')
    public var visualDim = 1536
    public var audioDim = 128
    public var textDim = 384

    // visual: frames and shots
    public var minFrames = 8
    public var maxFrames = 20
    public var maxShots = 4
    /// Spread of each shot's latent around the video's, and of frames around their shot's.
    public var shotSpread = 0.5
    public var frameSpread = 0.2
    /// Share of the visual view's noise common to the whole video (the rest is per shot):
    /// more frames of the same shot add no new information.
    public var videoShare = 0.7
    /// Share of frames that are generic (intros, outros, text cards) drawn from a few
    /// class-independent latents.
    public var genericFrameRate = 0.15
    public var genericFrameKinds = 6
    public var visualQuality: ClosedRange<Double> = 0.3...0.8
    /// Share of latent coordinates the visual encoder (frames and cover) observes.
    public var visualAspect = 0.6

    // cover
    public var coverMissing = 0.05
    /// Clickbait covers: drawn from another, random class.
    public var coverMisleading = 0.2
    public var coverQuality: ClosedRange<Double> = 0.3...0.9

    // audio
    public var audioMissing = 0.10
    public var minAudioFrames = 5
    public var maxAudioFrames = 30
    /// Per level-1 class, the probability that a video's soundtrack is speech about its
    /// content (tutorials) rather than background music; drawn uniformly in this range.
    public var speechRate: ClosedRange<Double> = 0.1...0.9
    public var musicKinds = 8
    /// Spread of audio segments around the soundtrack's latent.
    public var segmentSpread = 0.3
    public var audioQuality: ClosedRange<Double> = 0.3...0.8
    public var audioAspect = 0.4

    // title
    /// Meaningless titles ("xxx.mp4", timestamps) count as missing (7–10% of real titles).
    public var titleMissing = 0.08
    /// Titles about something else (trending keywords).
    public var titleMisleading = 0.10
    /// A few titles name the category outright; most carry little.
    public var titleInformative = 0.25
    public var titleHighQuality: ClosedRange<Double> = 0.7...1.0
    public var titleLowQuality: ClosedRange<Double> = 0.0...0.4
    public var titleAspect = 0.35

    // summary
    public var summaryMissing = 0.45
    public var summaryQuality: ClosedRange<Double> = 0.2...0.7
    public var summaryAspect = 0.5

    // products
    public var productMissing = 0.35
    public var minProducts = 1
    public var maxProducts = 3
    /// An attached product's class: the video's level-2 class, a sibling, or another
    /// level-1 class (the product's category often differs from the video's).
    public var productSameClass = 0.5
    public var productSibling = 0.2
    public var productQuality = 0.8
    public var productAspect = 0.5

    /// Labels replaced by a random sibling (annotation noise).
    public var labelNoise = 0.02

    // world kinds (``Kind``)
    /// Visual features pass a ReLU and texts a tanh, as real encoders' do; without, every
    /// feature is linear in the latent (the `linear` world).
    public var rectified = true
    /// With a value, a video's frames are distractors (`distractorFrames` of them: class-free
    /// backgrounds, and with probability `distractorOtherClass` a weak view of another class)
    /// with this many telling frames, clear views of its own class, at random places among them.
    public var tellingFrames: ClosedRange<Int>? = nil
    public var distractorFrames: ClosedRange<Int> = 16...32
    public var distractorOtherClass = 1.0 / 3
    /// Which latent coordinates the modalities observe: each its own random subset (the
    /// aspects above), all the same ones (`shared`: redundant modalities), or a partition
    /// (`disjoint`: each modality alone sees only its part of the latent).
    public var aspects: Aspects = .random

    public enum Aspects: String, Codable, Sendable { case random, shared, disjoint }

    public init() {}

    /// The worlds `vidtag-bench head compare` measures heads on.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The generator as described above: partly informative, noisy, missing modalities.
        case standard
        /// Evidence linear in each modality's mean features: no rectification, no generic or
        /// misleading frames, covers, titles or products, speech on every soundtrack. A linear
        /// model on mean-pooled features is close to the best possible here.
        case linear
        /// The class shows in one or two frames among 16–32 distractors, a third of which weakly
        /// show other classes; the other modalities say little. Mean pooling drowns the telling
        /// frames; NetVLAD can single them out.
        case fewFrames = "few-frames"
        /// Every modality observes the same latent coordinates at good quality: any one of them
        /// is nearly enough, so losing a few at test time should cost little.
        case redundant
        /// The modalities observe disjoint parts of the latent: every one is needed.
        case complementary
        /// Label noise (20% of labels a random sibling) and class imbalance (frequencies falling
        /// as 1/rank^1.5).
        case noisy
        /// Class-conditional Gaussian features with one covariance for every class: each modality
        /// sees its aspect of the video's latent exactly (no view noise, quality 1), rendered
        /// linearly, under strong independent noise in every feature of every frame. Linear
        /// discriminant analysis — a linear model on the mean features — is the best possible rule.
        case isotropic
    }

    /// The spec of a world kind.
    public static func world(_ kind: Kind) -> SyntheticSpec {
        var s = SyntheticSpec()
        switch kind {
        case .standard:
            break
        case .linear:
            s.rectified = false
            s.genericFrameRate = 0
            s.coverMisleading = 0
            s.titleMisleading = 0
            (s.productSameClass, s.productSibling) = (1, 0)
            s.speechRate = 1...1
        case .fewFrames:
            s.tellingFrames = 1...2
            s.coverMissing = 0.7
            s.coverMisleading = 0.5
            s.speechRate = 0...0.2
            (s.titleInformative, s.titleLowQuality) = (0, 0...0.2)
            s.summaryQuality = 0...0.2
            s.productMissing = 0.8
        case .redundant:
            s.aspects = .shared
            s.visualAspect = 0.8
            s.visualQuality = 0.6...0.9
            s.audioQuality = 0.6...0.9
            s.speechRate = 0.9...0.9
            s.titleInformative = 0.8
            s.summaryQuality = 0.6...0.9
        case .complementary:
            s.aspects = .disjoint
        case .noisy:
            s.labelNoise = 0.2
            s.classSkew = 1.5
        case .isotropic:
            s = world(.linear)
            s.observationNoise = 0
            (s.shotSpread, s.frameSpread) = (0, 0)
            s.visualQuality = 1...1
            s.coverQuality = 1...1
            s.audioQuality = 1...1
            (s.titleHighQuality, s.titleLowQuality) = (1...1, 1...1)
            s.summaryQuality = 1...1
            s.productQuality = 1
            s.featureNoise = 8
        }
        return s
    }
}
