#!/usr/bin/env python3
"""The Python peer of `vidtag classify` for the end-to-end benchmark (issue 10).

For each input record of a manifest (Scripts/bench/make_e2e_videos.sh writes one), the same
work vidtag's encoders do, with the usual Python stack on the CPU:

- decode_frames: 16 frames at the midpoints of 16 equal parts of the duration (vidtag's
  SamplingPlan.uniform), found with PyAV: "exact" seeks to the keyframe before each instant and
  decodes up to the first frame at or after it; "keyframe" takes the keyframe the seek lands on.
  Each frame and the cover picture are stretched to 299x299 RGB (bicubic, as vidtag's scaler);
- decode_audio: the soundtrack decoded and resampled to 16 kHz mono float (PyAV/libswresample);
- visual: the 16 frames + cover, x/127.5 - 1, through timm's inception_resnet_v2 (pre-logits,
  one batch of 17);
- audio: Google's log-mel (torchvggish's vggish_input.waveform_to_examples) and the reference
  VGGish (torchvggish's VGG without its last ReLU, as Scripts/reference/make_vggish_goldens.py);
- text: title, summary and each product ("title category") in one
  sentence-transformers all-MiniLM-L6-v2 batch;
- total: the wall time of all of it, per video.

PyTorch runs with torch.set_num_threads(--threads) (and one inter-op thread). Weights: timm's
random initialisation and a seeded VGGish unless --irv2-weights / --vggish-weights name a
safetensors state dict (e.g. the seeded file `vidtag bundle seed` writes); FLOPs and time do
not depend on the values. Models are loaded and warmed up (--warmup passes over the first
video, untimed) before the timed passes; --runs timed passes over all videos, the median pass
is reported. Prints one JSON object (also written to --out):

    {"tool": "python-peer", "threads", "videos", "sampling", "frames", "runs",
     "stages": {"decode_frames", "decode_audio", "visual", "audio", "text", "total"},  # s per video
     "videos_per_second", "peak_rss_mb", "load_seconds", "versions", "passes": [...]}

Usage:
    peer_pipeline.py --manifest .build-e2e/manifest.jsonl [--threads 2] [--sampling exact]
                     [--runs 1] [--warmup 1] [--text-model Models/demo/text/all-MiniLM-L6-v2]
                     [--out peer.json]
Needs: torch, timm, sentence-transformers, av (PyAV), numpy, torchvggish==0.2 (--no-deps).
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time
import types

import av
import numpy as np
import torch

# vggish_input imports resampy and soundfile for file reading only: stand-ins during its import,
# removed afterwards (transformers probes for a real soundfile and fails on a stand-in).
_stubs = [name for name in ("resampy", "soundfile") if name not in sys.modules]
for _name in _stubs:
    sys.modules[_name] = types.ModuleType(_name)
from torchvggish import torchvggish as tv_model  # noqa: E402
from torchvggish import vggish_input  # noqa: E402
for _name in _stubs:
    del sys.modules[_name]

STAGES = ["decode_frames", "decode_audio", "visual", "audio", "text", "total"]
IMAGE_SIZE = 299


def read_manifest(path):
    base = os.path.dirname(os.path.abspath(path))
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                for key in ("video", "cover"):
                    if record.get(key):
                        record[key] = os.path.join(base, record[key])
                records.append(record)
    return records


def to_rgb(frame):
    """An av.VideoFrame stretched to 299x299 RGB, [299, 299, 3] uint8."""
    return frame.to_ndarray(width=IMAGE_SIZE, height=IMAGE_SIZE, format="rgb24", interpolation="BICUBIC")


def sample_frames(path, count, mode):
    """`count` frames at the midpoints of equal parts of the duration, [count, 299, 299, 3] uint8."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        duration = float(stream.duration * stream.time_base) if stream.duration else container.duration / 1e6
        images = []
        for i in range(count):
            instant = (i + 0.5) * duration / count
            container.seek(int(instant / stream.time_base), stream=stream, backward=True, any_frame=False)
            chosen = None
            for frame in container.decode(stream):
                chosen = frame
                if mode == "keyframe" or frame.time >= instant:
                    break
            images.append(to_rgb(chosen))
        return np.stack(images)


def load_picture(path):
    with av.open(path) as container:
        return to_rgb(next(container.decode(video=0)))


def decode_audio(path):
    """The first audio stream as 16 kHz mono float32 samples."""
    with av.open(path) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=16000)
        chunks = []
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
        return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)


def load_state_dict(path):
    from safetensors.torch import load_file
    return load_file(path)


def make_models(args):
    import timm
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    irv2 = timm.create_model("inception_resnet_v2", pretrained=False, num_classes=0).eval()
    if args.irv2_weights:
        state = {k: v for k, v in load_state_dict(args.irv2_weights).items() if not k.startswith("classif.")}
        irv2.load_state_dict(state, strict=False)
    vggish = tv_model.VGG(tv_model.make_layers(), postprocess=False)
    vggish.embeddings[5] = torch.nn.Identity()  # the raw embedding, as vidtag's (TF has no last ReLU)
    if args.vggish_weights:
        state = {k: v for k, v in load_state_dict(args.vggish_weights).items() if not k.startswith("pca_")}
        vggish.load_state_dict(state)
    vggish.eval()
    text = SentenceTransformer(args.text_model, device="cpu")
    return irv2, vggish, text


def texts_of(record):
    texts = [t for t in (record.get("title"), record.get("summary")) if t and t.strip()]
    for product in record.get("products") or []:
        joined = " ".join(p for p in (product.get("title"), product.get("category")) if p)
        if joined.strip():
            texts.append(joined)
    return texts


def process(record, models, args):
    """One video through every stage; returns {stage: seconds}."""
    irv2, vggish, text = models
    times = {}
    start = time.perf_counter()

    t = time.perf_counter()
    pictures = sample_frames(record["video"], args.frames, args.sampling)
    if record.get("cover"):
        pictures = np.concatenate([pictures, load_picture(record["cover"])[None]])
    times["decode_frames"] = time.perf_counter() - t

    t = time.perf_counter()
    wave = decode_audio(record["video"])
    times["decode_audio"] = time.perf_counter() - t

    with torch.inference_mode():
        t = time.perf_counter()
        images = torch.from_numpy(pictures).permute(0, 3, 1, 2).float().div_(127.5).sub_(1)
        visual = irv2(images)
        times["visual"] = time.perf_counter() - t
        assert visual.shape == (len(pictures), 1536)

        t = time.perf_counter()
        examples = vggish_input.waveform_to_examples(wave, 16000, return_tensor=False)
        audio = vggish(torch.from_numpy(examples.astype(np.float32))[:, None, :, :])
        times["audio"] = time.perf_counter() - t
        assert audio.shape[1] == 128

        t = time.perf_counter()
        text.encode(texts_of(record), batch_size=32, convert_to_numpy=True, show_progress_bar=False)
        times["text"] = time.perf_counter() - t

    times["total"] = time.perf_counter() - start
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--sampling", choices=["exact", "keyframe"], default="exact")
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--runs", type=int, default=1, help="timed passes over all videos (median reported)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed passes over the first video")
    parser.add_argument("--text-model", default="Models/demo/text/all-MiniLM-L6-v2")
    parser.add_argument("--irv2-weights", help="timm inception_resnet_v2 safetensors (default: random init)")
    parser.add_argument("--vggish-weights", help="torchvggish state-dict safetensors (default: random init)")
    parser.add_argument("--out")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    records = read_manifest(args.manifest)
    if not records:
        sys.exit("peer_pipeline.py: the manifest has no records")

    t = time.perf_counter()
    models = make_models(args)
    load_seconds = time.perf_counter() - t
    for _ in range(args.warmup):
        process(records[0], models, args)

    passes = []
    for run in range(args.runs):
        per_video = [process(record, models, args) for record in records]
        stages = {s: sum(v[s] for v in per_video) / len(per_video) for s in STAGES}
        passes.append({"stages": stages, "videos_per_second": 1 / stages["total"]})
        print(f"pass {run + 1}/{args.runs}: " + ", ".join(f"{s} {stages[s]:.3f} s" for s in STAGES)
              + f" per video, {1 / stages['total']:.3f} videos/s", file=sys.stderr)
    median = sorted(passes, key=lambda p: p["stages"]["total"])[len(passes) // 2]

    import sentence_transformers
    import timm
    report = {
        "tool": "python-peer",
        "threads": args.threads,
        "videos": len(records),
        "sampling": args.sampling,
        "frames": args.frames,
        "runs": args.runs,
        "stages": median["stages"],
        "videos_per_second": median["videos_per_second"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_seconds": load_seconds,
        "versions": {"torch": torch.__version__, "timm": timm.__version__,
                     "sentence_transformers": sentence_transformers.__version__, "av": av.__version__},
        "passes": passes,
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
