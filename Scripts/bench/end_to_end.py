#!/usr/bin/env python3
"""The end-to-end benchmark of issue 10: `vidtag classify` against the Python peer pipeline
(Scripts/bench/peer_pipeline.py) on the same generated videos, in one run.

    python3 Scripts/bench/end_to_end.py [--count 6] [--runs 3] [--threads 2]
                                        [--sampling exact,keyframe] [--gop 50] [--python /work/venv/bin/python]
                                        [--bundle Models/demo] [--json e2e.json]

Steps, all in this run:
1. the videos: Scripts/bench/make_e2e_videos.sh (60 s, 1280x720 H.264 + AAC, cover, title,
   summary, two products each) into .build-e2e/;
2. the machine's SGEMM peak: `vidtag-bench kernels --filter peak` (2048^3, best of 5);
3. per sampling mode, --runs timed runs of `vidtag classify --frames 16` over the manifest
   (after one untimed warm-up run) and of the peer (`--runs` passes after a warm-up pass).
   vidtag's time per video is the batch runner's own wall time (its summary "seconds", from the
   first input to the last line, weights loaded before) divided by the videos; the peer's the
   same (its "total", models loaded before). Peak memory: vidtag's maximum RSS from
   /usr/bin/time, the peer's from getrusage.
4. the fraction of the FLOP bound: model FLOPs per video (17 x 26.3 GFLOP Inception-ResNet-v2,
   1.72 GFLOP per 0.96 s VGGish example, the texts ignored) / the SGEMM peak, over the measured
   time per video. Winograd convolutions do fewer multiplications than the model's FLOP count
   says, so this fraction can exceed 100%. Hence also the Winograd-adjusted bound: the
   multiply-adds vidtag actually issued to OpenBLAS (its summary's "multiply_adds": every
   product of the encoders and the head, after Winograd) x 2 / the same peak, and vidtag's time
   per video as a multiple of it;
5. each encoder alone beside PyTorch and ONNX Runtime, same threads (skipped with --no-encoders
   or without the peer's Python): Inception-ResNet-v2 on a batch of 16 images
   (irv2_torch.py, `vidtag-bench irv2`), VGGish's network on 60 s of audio (vggish_torch.py,
   `vidtag-bench vggish`), the text encoder on 256 titles in batches of 32 (`vidtag-bench text`,
   which runs text_torch.py).

Prints a table and writes everything as JSON (--json). Needs the release build
(`swift build -c release`), the demo bundle (`bash Scripts/setup.sh`), ffmpeg, and for the peer a
Python with torch, timm, sentence-transformers, av and torchvggish (never needed by CI).
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IRV2_GFLOP = 26.3          # per 299x299 image (counted with hooks by Scripts/bench/irv2_torch.py)
VGGISH_GFLOP = 1.72        # per 0.96 s example (96x64 log-mel patch)
FRAMES = 16


def log(text):
    print(text, file=sys.stderr, flush=True)


def run(command, **kwargs):
    return subprocess.run(command, check=True, text=True, **kwargs)


def sgemm_peak(bench, threads):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run([bench, "kernels", "--filter", "peak", "--repeats", "5", "--threads", str(threads), "--json", out.name],
            stdout=subprocess.DEVNULL)
        report = json.load(open(out.name))
    return report["results"][report["peak_case"]]["gflops"]


def vidtag_run(vidtag, bundle, manifest, sampling, threads):
    """One classify run: (seconds per video, per-stage seconds per video, peak RSS MB, GEMM GFLOP per video)."""
    with tempfile.TemporaryDirectory() as folder:
        rss_file = os.path.join(folder, "rss")
        output, summary_file = os.path.join(folder, "out.jsonl"), os.path.join(folder, "summary.json")
        result = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss_file, vidtag, "classify", "--bundle", bundle,
             "--frames", str(FRAMES), "--sampling", sampling, "--threads", str(threads), "--quiet",
             "--summary", summary_file, "--output", output, "--manifest", manifest],
            text=True, stderr=subprocess.PIPE)
        if result.returncode != 0:
            sys.exit(f"vidtag classify failed ({result.returncode}):\n{result.stderr}")
        summary = json.load(open(summary_file))
        summary = summary.get("summary", summary)
        records = [json.loads(line) for line in open(output)]
        rss_mb = int(open(rss_file).read().split()[-1]) / 1024
    n = len(records)
    stages = {}
    for record in records:
        for stage, seconds in record["timings"].items():
            stages[stage] = stages.get(stage, 0) + seconds / n
    return summary["seconds"] / n, stages, rss_mb, 2e-9 * summary["multiply_adds"] / n


def encoder_benches(bench, python, threads):
    """Each encoder alone: {name: {"unit", "vidtag", "pytorch", "onnxruntime"}} in seconds per unit."""
    env = dict(os.environ, VIDTAG_THREADS=str(threads))
    scripts = os.path.join(ROOT, "Scripts/bench")
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        theirs, ours = os.path.join(folder, "theirs.json"), os.path.join(folder, "ours.json")
        log("encoders: Inception-ResNet-v2 …")
        run([python, os.path.join(scripts, "irv2_torch.py"), "--batches", "16", "--repeats", "3",
             "--threads", str(threads), "--out", theirs], stdout=subprocess.DEVNULL)
        run([bench, "irv2", "--batches", "16", "--repeats", "3", "--torch", theirs, "--json", ours],
            stdout=subprocess.DEVNULL, env=env)
        peer, mine = json.load(open(theirs)), json.load(open(ours))
        onnx = peer.get("onnxruntime", {}).get("batches", {}).get("16")
        results["Inception-ResNet-v2"] = {
            "unit": "ms per image (batch 16)", "vidtag": 1e3 / mine["images_per_second"]["16"],
            "pytorch": 1e3 / peer["batches"]["16"]["images_per_second"],
            "onnxruntime": 1e3 / onnx["images_per_second"] if onnx else None}
        log("encoders: VGGish …")
        run([python, os.path.join(scripts, "vggish_torch.py"), "--seconds", "60", "--threads", str(threads),
             "--out", theirs], stdout=subprocess.DEVNULL)
        run([bench, "vggish", "--seconds", "60", "--threads", str(threads), "--torch", theirs, "--json", ours],
            stdout=subprocess.DEVNULL)
        peer, mine = json.load(open(theirs)), json.load(open(ours))
        onnx = peer["results"].get("network_onnxruntime")
        results["VGGish"] = {
            "unit": "s per 60 s of audio (network)", "vidtag": mine["results"]["network"]["best"],
            "pytorch": peer["results"]["network"]["best"], "onnxruntime": onnx["best"] if onnx else None}
        log("encoders: text …")
        run([bench, "text", "--threads", str(threads), "--batch-sizes", "32", "--python", python,
             "--json", ours], stdout=subprocess.DEVNULL, cwd=ROOT)
        report = json.load(open(ours))
        titles, torch = report["titles"], report.get("torch") or {}
        onnx = (torch.get("onnxruntime") or {}).get("seconds", {}).get("32")
        results["text (MiniLM)"] = {
            "unit": "ms per title (batch 32)", "vidtag": 1e3 * report["vidtagSeconds"]["32"] / titles,
            "pytorch": 1e3 * torch["seconds"]["32"] / titles if torch else None,
            "onnxruntime": 1e3 * onnx / titles if onnx else None}
    return results


def median(values):
    return statistics.median(values) if values else math.nan


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=6,
                        help="videos (default 6: vidtag's first video has no encoding to overlap its decoding with, "
                             "which weighs on short runs)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per side and mode (median reported)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sampling", default="exact,keyframe")
    parser.add_argument("--python", default="/work/venv/bin/python", help="the peer's Python ('' to skip the peer)")
    parser.add_argument("--bundle", default=os.path.join(ROOT, "Models/demo"))
    parser.add_argument("--gop", type=int, default=50, help="keyframe interval of the videos in frames (50 = 2 s)")
    parser.add_argument("--videos", help="folder for the videos (default .build-e2e, or .build-e2e-gopN)")
    parser.add_argument("--no-encoders", action="store_true", help="skip the encoder-by-encoder comparison")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()

    vidtag = os.path.join(ROOT, ".build/release/vidtag")
    bench = os.path.join(ROOT, ".build/release/vidtag-bench")
    for tool in (vidtag, bench):
        if not os.access(tool, os.X_OK):
            sys.exit(f"{tool} missing: run `swift build -c release` first")
    args.videos = args.videos or os.path.join(ROOT, ".build-e2e" if args.gop == 50 else f".build-e2e-gop{args.gop}")
    log(f"videos: {args.count} into {args.videos}")
    run(["bash", os.path.join(ROOT, "Scripts/bench/make_e2e_videos.sh"), "--count", str(args.count),
         "--gop", str(args.gop), "--out", args.videos], stdout=subprocess.DEVNULL)
    manifest = os.path.join(args.videos, "manifest.jsonl")
    count = sum(1 for line in open(manifest) if line.strip())

    log("SGEMM peak …")
    peak = sgemm_peak(bench, args.threads)
    results = {"videos": count, "gop_frames": args.gop, "threads": args.threads, "runs": args.runs, "sgemm_peak_gflops": peak, "modes": {}}

    for sampling in args.sampling.split(","):
        log(f"[{sampling}] vidtag warm-up + {args.runs} runs …")
        vidtag_run(vidtag, args.bundle, manifest, sampling, args.threads)
        runs = [vidtag_run(vidtag, args.bundle, manifest, sampling, args.threads) for _ in range(args.runs)]
        per_video = [r[0] for r in runs]
        best = runs[per_video.index(median(per_video))] if args.runs % 2 else min(runs)
        # FLOPs per video: 17 images + the audio examples (A = audio seconds / 0.96).
        audio_seconds = 60.0
        gflop = (FRAMES + 1) * IRV2_GFLOP + math.floor(audio_seconds / 0.96) * VGGISH_GFLOP
        mode = {"vidtag": {"seconds_per_video": median(per_video), "videos_per_second": 1 / median(per_video),
                           "runs_seconds_per_video": per_video, "stages": best[1],
                           "peak_rss_mb": max(r[2] for r in runs)},
                "model_gflop_per_video": gflop,
                "flop_bound_seconds_per_video": gflop / peak}
        mode["vidtag"]["fraction_of_flop_bound"] = (gflop / peak) / median(per_video)
        # The Winograd-adjusted bound: the products vidtag actually issued, at the same peak.
        mode["gemm_gflop_per_video"] = best[3]
        mode["winograd_bound_seconds_per_video"] = best[3] / peak
        mode["vidtag"]["times_winograd_bound"] = median(per_video) / (best[3] / peak)
        if "visual" in best[1]:
            mode["vidtag"]["visual_gflops"] = (FRAMES + 1) * IRV2_GFLOP / best[1]["visual"]
        if args.python:
            log(f"[{sampling}] peer: warm-up + {args.runs} passes …")
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                run([args.python, os.path.join(ROOT, "Scripts/bench/peer_pipeline.py"), "--manifest", manifest,
                     "--threads", str(args.threads), "--sampling", sampling, "--runs", str(args.runs),
                     "--text-model", os.path.join(ROOT, "Models/demo/text/all-MiniLM-L6-v2"), "--out", out.name],
                    stdout=subprocess.DEVNULL)
                peer = json.load(open(out.name))
            mode["peer"] = peer
            mode["speedup"] = peer["stages"]["total"] / mode["vidtag"]["seconds_per_video"]
        results["modes"][sampling] = mode

    print(f"{count} videos (60 s 1280x720 H.264+AAC, a keyframe every {args.gop} frames), {args.threads} threads, median of {args.runs} runs; "
          f"SGEMM peak {peak:.0f} GFLOPS")
    for sampling, mode in results["modes"].items():
        ours = mode["vidtag"]
        print(f"\n[{sampling} sampling]")
        print(f"  vidtag: {ours['seconds_per_video']:.2f} s/video = {ours['videos_per_second']:.3f} videos/s, "
              f"peak RSS {ours['peak_rss_mb']:.0f} MB, {100 * ours['fraction_of_flop_bound']:.0f}% of the FLOP bound "
              f"({mode['model_gflop_per_video']:.0f} GFLOP/video = {mode['flop_bound_seconds_per_video']:.2f} s at peak)")
        print(f"          Winograd-adjusted bound: {mode['gemm_gflop_per_video']:.0f} GFLOP/video issued to OpenBLAS "
              f"= {mode['winograd_bound_seconds_per_video']:.2f} s at peak; vidtag takes "
              f"{ours['times_winograd_bound']:.2f}x that")
        print("          stages (s/video; decode+audio overlap the encoders): "
              + ", ".join(f"{k} {v:.2f}" for k, v in sorted(ours["stages"].items())))
        if "visual_gflops" in ours:
            print(f"          Inception-ResNet-v2 at {ours['visual_gflops']:.0f} GFLOPS")
        if "peer" in mode:
            peer = mode["peer"]
            print(f"  peer:   {peer['stages']['total']:.2f} s/video = {peer['videos_per_second']:.3f} videos/s, "
                  f"peak RSS {peer['peak_rss_mb']:.0f} MB; stages: "
                  + ", ".join(f"{k} {peer['stages'][k]:.2f}" for k in peer["stages"]))
            print(f"  vidtag / peer videos per second: {mode['speedup']:.2f}x")
    if args.python and not args.no_encoders:
        results["encoders"] = encoder_benches(bench, args.python, args.threads)
        print(f"\nEach encoder alone, {args.threads} threads (lower is better; ratio = their time / ours):")
        print(f"  {'encoder':<20} {'unit':<30} {'vidtag':>8} {'PyTorch':>8} {'ONNX RT':>8} {'vs PyTorch':>11} {'vs ORT':>7}")
        for name, r in results["encoders"].items():
            def cell(v):
                return f"{v:8.2f}" if v is not None else f"{'-':>8}"

            def ratio(v):
                return f"{v / r['vidtag']:.2f}x" if v is not None else "-"
            print(f"  {name:<20} {r['unit']:<30} {cell(r['vidtag'])} {cell(r['pytorch'])} {cell(r['onnxruntime'])} "
                  f"{ratio(r['pytorch']):>11} {ratio(r['onnxruntime']):>7}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
