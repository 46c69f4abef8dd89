// swift-tools-version:6.0
// vidtag: offline two-level video tagging on CPUs.
// Targets are listed in data-flow order: system libraries, tensor kernels, weights, CLI.
import PackageDescription

let package = Package(
    name: "vidtag",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vidtag", targets: ["vidtag"]),
        .executable(name: "vidtag-bench", targets: ["vidtag-bench"]),
        .library(name: "Kernels", targets: ["Kernels"]),
        .library(name: "Weights", targets: ["Weights"]),
        .library(name: "Media", targets: ["Media"]),
        .library(name: "Batch", targets: ["Batch"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries (Debian: libav*-dev, libswresample-dev, libswscale-dev, libopenblas-dev).
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libavutil libswresample libswscale",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswresample-dev", "libswscale-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Our own vector loops in C, compiled for baseline x86-64, AVX2 and AVX-512F and chosen
        // at run time by the CPU's features.
        .target(name: "CKernels"),
        // Float32 tensor kernels; the only caller of cblas_sgemm.
        .target(name: "Kernels", dependencies: ["COpenBLAS", "CKernels"]),
        // Decoding through FFmpeg: sampled video frames, images, 16 kHz mono audio.
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        // Weight files: safetensors (mmap, F32/F16/BF16; writing F32) and PyTorch checkpoints
        // (torch.save, zip and legacy formats: a zip reader and a restricted unpickler); bundles
        // and their hashes; seeded weights.
        .target(name: "Weights", dependencies: ["Kernels", .product(name: "Crypto", package: "swift-crypto")]),
        // Encoders, one per modality family: Inception-ResNet-v2 (frames, cover), VGGish (audio),
        // BERT (title, summary, products).
        .target(name: "VisualEncoder", dependencies: ["Kernels", "Weights"]),
        .target(name: "AudioEncoder", dependencies: ["Kernels", "Weights"]),
        .target(name: "TextEncoder", dependencies: ["Kernels", "Weights"]),
        // The classifier head: NetVLAD, modal-attention fusion (and baselines), hierarchical
        // classifier, losses, hand-written backward, Adam; the feature-file format; training and
        // evaluation on feature files.
        .target(name: "Head", dependencies: ["Kernels", "Weights"]),
        // Synthetic feature sets in the real files' format and the comparison of heads on them
        // (the bench and the tests use them; vidtag does not ship them).
        .target(name: "SyntheticWorlds", dependencies: ["Kernels", "Weights", "Head"]),
        // Batch running over any job: inputs (files, folders, manifests, JSON lines), input
        // order, resume and journal repair, shards, quarantine, error records, progress.
        .target(name: "Batch", dependencies: ["Kernels", "Weights"]),
        // Model bundles: importing pretrained weights into one, finding one, and a bundle's
        // trained head ready to classify.
        .target(name: "Bundles", dependencies: ["Weights", "VisualEncoder", "AudioEncoder", "TextEncoder", "Head"]),
        // Similar-video search over embedding lines: exact cosine neighbours and pairs.
        .target(name: "Similarity", dependencies: ["Kernels"]),
        // The two jobs a batch runs: feature extraction (decoding and the encoders) and
        // classification with a bundle's head, and the error records of their items.
        .target(name: "Pipeline", dependencies: [
            "Kernels", "Media", "Weights", "VisualEncoder", "AudioEncoder", "TextEncoder", "Head", "Batch", "Bundles",
        ]),
        // The thin command-line tool.
        .executableTarget(
            name: "vidtag",
            dependencies: [
                "Kernels", "Media", "Weights", "Head", "Batch", "Bundles", "Similarity", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "vidtag-bench",
            dependencies: [
                "Kernels", "Media", "Weights", "VisualEncoder", "AudioEncoder", "TextEncoder", "Head", "SyntheticWorlds",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz targets for the readers of untrusted bytes (Scripts/fuzz.sh); built normally, it
        // replays a corpus (`vidtag-fuzz TARGET FILES…`).
        .executableTarget(
            name: "vidtag-fuzz",
            dependencies: ["Media", "Weights", "Head", "Batch"]
        ),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "CKernels", "Weights"]),
        .testTarget(name: "MediaTests", dependencies: ["Media"]),
        // Runs the built `vidtag` binary on fixtures.
        .testTarget(name: "CLITests", dependencies: ["vidtag", "vidtag-fuzz", "Weights", "Media", "VisualEncoder", "AudioEncoder", "TextEncoder", "Head"]),
        .testTarget(name: "WeightsTests", dependencies: ["Weights"]),
        .testTarget(name: "VisualEncoderTests", dependencies: ["VisualEncoder", "Media"]),
        .testTarget(name: "AudioEncoderTests", dependencies: ["AudioEncoder", "Media"]),
        .testTarget(name: "TextEncoderTests", dependencies: ["TextEncoder"]),
        .testTarget(name: "HeadTests", dependencies: ["SyntheticWorlds", "Head"]),
        .testTarget(name: "BatchTests", dependencies: ["Batch"]),
        .testTarget(name: "SimilarityTests", dependencies: ["Similarity", "Head"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Head"]),
    ]
)
