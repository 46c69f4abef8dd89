#!/usr/bin/env python3
"""Reference outputs for vidtag's VGGish audio encoder (Tests/AudioEncoderTests).

The reference is the torchvggish 0.2 package (PyPI), whose `mel_features.py`,
`vggish_input.py` and `vggish_params.py` are copies of Google's AudioSet code
(github.com/tensorflow/models, research/audioset/vggish), and whose `torchvggish.py` holds
the VGG network. Its network ends in a ReLU that the TF original does not have: the
reference embedding here is that network with the last ReLU removed ("raw embedding").
Google's `vggish_postprocess.py` is not in the package: `google_postprocess` below restates
its three lines (PCA in float64, clip to [-2, 2], scale to [0, 255] and truncate with
`astype(np.uint8)`); torchvggish's `Postprocessor.postprocess` (which rounds) is called as is.

Writes, in Fixtures/vggish/:
- `goldens.safetensors`, float32 tensors:
  - `waveform.<clip>` [N]: 16 kHz mono samples. `wav44`/`wav48` are Fixtures/media's
    audio_44k_stereo.wav / audio_48k_stereo.wav decoded by the ffmpeg CLI
    (`-ac 1 -ar 16000 -f f32le`); `synthetic` is made here from a seeded generator
    (tones, a chirp, noise, digital silence and a very quiet stretch).
  - `logmel.<clip>` [E, 96, 64]: `vggish_input.waveform_to_examples(waveform, 16000)`
    (computed in float64 by numpy, stored as float32).
  - `embedding.<clip>` [E, 128]: the reference network on the seeded full-size weights
    (Scripts/reference/vggish_seeded.py) applied to `logmel.<clip>`, last ReLU removed.
  - `pca.<clip>` [E, 128]: Google's quantiser argument (clip(PCA(e)) + 2) · 255/4, float64
    arithmetic, stored as float32 (to show where bytes sit at a truncation boundary).
  - `google.<clip>` / `torchvggish.<clip>` [E, 128]: the 8-bit codes (as floats) from
    Google's truncation and torchvggish's rounding.
  - `tiny.embedding` [E, 16], `tiny.google` [E, 16]: the tiny network below on `logmel.wav44`.
  metadata: versions, the seed, the clip lengths.
- `tiny_vggish.pth` (zip, torch.save default) and `tiny_vggish_legacy.pth` (the pre-1.6 legacy
  format, `_use_new_zipfile_serialization=False`): the state dict of a narrow VGGish (conv
  widths 4, 8, 16, 16, 32, 32; fc 64, 64, 16) in torchvggish's names, torch's default init.
- `tiny_pca_numpy_legacy.pth`: {pca_eigen_vectors [16, 16], pca_means [16]} as float64 numpy
  arrays, legacy format: what torchvggish's `vggish_pca_params-970ea276.pth` holds (its
  loader calls `torch.as_tensor(params[...])` and `.reshape(-1, 1)`, written for numpy arrays).
- `tiny_pca_tensors.pth`: the same as torch float32 tensors (zip), means as [16, 1].
- `pth_cases.pth` (zip), `pth_cases_legacy.pth`, `pth_cases_protocol4.pth`: a state dict with
  F32/F16/BF16/F64 tensors, a transposed view, a slice at a storage offset, two views of one
  storage, a 0-d scalar, an empty tensor and an nn.Parameter; `pth_expected.safetensors` has
  each one's values, contiguous float32.
- `numpy_cases_legacy.pth`: numpy arrays as torch.save pickles them inline: a Fortran-order
  float64 array, a big-endian float32 array, a float16 array; values in `numpy_expected.safetensors`.
- `hostile_global.pth`: a zip holding a pickle that calls os.system (never unpickled here:
  written as raw bytes); `deflated.pth`: pth_cases.pth re-zipped with deflate.

Run by a developer (not CI), from the repository root:
    python3 Scripts/reference/make_vggish_goldens.py
Needs: torch, numpy, safetensors, torchvggish==0.2 (pip install --no-deps), the ffmpeg CLI.
"""
import collections
import io
import json
import pathlib
import subprocess
import sys
import types
import zipfile

import numpy as np
import torch
from safetensors.numpy import save_file

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import vggish_seeded  # noqa: E402

# vggish_input imports resampy and soundfile at module level for resampling and WAV reading;
# neither is used here (waveforms are given at 16 kHz), so stand-ins keep them uninstalled.
for missing in ("resampy", "soundfile"):
    sys.modules.setdefault(missing, types.ModuleType(missing))
import torchvggish  # noqa: E402
from torchvggish import torchvggish as tv_model  # noqa: E402
from torchvggish import vggish_input, vggish_params  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Fixtures" / "vggish"
MEDIA = ROOT / "Fixtures" / "media"
RATE = vggish_params.SAMPLE_RATE


def decode(path):
    """16 kHz mono float32 samples, as the ffmpeg CLI's swresample gives them."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-"],
        check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<f4").copy()


def synthetic_waveform():
    """10.24 s: 10 whole examples and 62 frames left over. Float32 in [-1, 1]."""
    rng = np.random.default_rng(20261126)
    n = int(10.24 * RATE)
    t = np.arange(n) / RATE
    wave = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.1 * np.sin(2 * np.pi * 3000 * t)
    chirp = 0.25 * np.sin(2 * np.pi * (100 * t + 0.5 * (7000 / 10.24) * t * t))  # 100 Hz → 7.1 kHz
    wave = wave * (t < 3) + chirp * ((t >= 3) & (t < 6))
    wave += (t >= 6) * (t < 7.5) * rng.uniform(-0.5, 0.5, n)  # white noise
    # 7.5–8.5 s: digital silence (log(0 + 0.01)); 8.5–10.24 s: a very quiet tone and noise,
    # where log(mel + 0.01) is steepest and precision matters most.
    quiet = 1e-3 * np.sin(2 * np.pi * 1000 * t) + 1e-4 * rng.standard_normal(n)
    wave += (t >= 8.5) * quiet
    return wave.astype(np.float32)


def reference_model(conv_widths=(64, 128, 256, 256, 512, 512), hidden=4096, embedding=128):
    """torchvggish's VGG (torchvggish.py: make_layers, VGG.forward) with its last ReLU removed."""
    if tuple(conv_widths) == (64, 128, 256, 256, 512, 512):
        model = tv_model.VGG(tv_model.make_layers(), postprocess=False)
    else:
        # The same layer list as make_layers with other widths, and the same VGG.forward.
        layers, cin = [], 1
        widths = iter(conv_widths)
        for v in [0, "M", 0, "M", 0, 0, "M", 0, 0, "M"]:
            if v == "M":
                layers += [torch.nn.MaxPool2d(kernel_size=2, stride=2)]
            else:
                cout = next(widths)
                layers += [torch.nn.Conv2d(cin, cout, kernel_size=3, padding=1), torch.nn.ReLU(inplace=True)]
                cin = cout
        model = tv_model.VGG(torch.nn.Sequential(*layers), postprocess=False)
        model.embeddings = torch.nn.Sequential(
            torch.nn.Linear(cin * 4 * 6, hidden), torch.nn.ReLU(True),
            torch.nn.Linear(hidden, hidden), torch.nn.ReLU(True),
            torch.nn.Linear(hidden, embedding), torch.nn.ReLU(True))
    assert isinstance(model.embeddings[5], torch.nn.ReLU)
    model.embeddings[5] = torch.nn.Identity()  # the TF original has no ReLU on the embedding
    return model.eval()


def embed(model, logmel):
    with torch.inference_mode():
        return model(torch.from_numpy(logmel.astype(np.float32))[:, None, :, :]).numpy()


def google_postprocess(embeddings, eigen, means):
    """Google's vggish_postprocess.py Postprocessor.postprocess, with float64 parameters.

    Returns (the quantiser argument before truncation, the uint8 codes)."""
    pca_applied = np.dot(eigen.astype(np.float64), (embeddings.T - means.astype(np.float64).reshape(-1, 1))).T
    clipped = np.clip(pca_applied, vggish_params.QUANTIZE_MIN_VAL, vggish_params.QUANTIZE_MAX_VAL)
    scaled = (clipped - vggish_params.QUANTIZE_MIN_VAL) * (
        255.0 / (vggish_params.QUANTIZE_MAX_VAL - vggish_params.QUANTIZE_MIN_VAL))
    return scaled, scaled.astype(np.uint8)


def torchvggish_postprocess(embeddings, eigen, means):
    """torchvggish.py's Postprocessor.postprocess (rounds), its parameters set by hand (its
    __init__ downloads them)."""
    post = object.__new__(tv_model.Postprocessor)
    post._pca_matrix = torch.as_tensor(eigen).float()
    post._pca_means = torch.as_tensor(means.reshape(-1, 1)).float()
    return post.postprocess(torch.from_numpy(embeddings)).numpy().reshape(embeddings.shape)


def pth_cases():
    torch.manual_seed(7)
    base = torch.randn(4, 5)
    shared = torch.randn(10)
    cases = collections.OrderedDict()
    cases["f32"] = torch.randn(2, 3)
    cases["f16"] = torch.randn(5).half()
    cases["bf16"] = torch.randn(4).bfloat16()
    cases["f64"] = torch.randn(3, dtype=torch.float64)
    cases["transposed"] = torch.randn(3, 4).t()  # stride (1, 4)
    cases["slice"] = base[1:3, 1:]  # storage offset 6, stride (5, 1)
    cases["shared_a"] = shared[:6].view(2, 3)
    cases["shared_b"] = shared[4:]  # offset 4, the same storage as shared_a
    cases["scalar"] = torch.tensor(2.5)
    cases["empty"] = torch.zeros(0, 3)
    cases["param"] = torch.nn.Parameter(torch.randn(2, 2), requires_grad=False)
    assert not cases["transposed"].is_contiguous() and cases["slice"].storage_offset() == 6
    expected = {name: t.detach().float().contiguous().numpy() for name, t in cases.items()}
    return cases, expected


def numpy_cases():
    rng = np.random.default_rng(5)
    cases = {
        "fortran": np.asfortranarray(rng.standard_normal((3, 4))),
        "big_endian": rng.standard_normal((2, 3)).astype(">f4"),
        "f16": rng.standard_normal(5).astype(np.float16),
    }
    assert cases["fortran"].flags.f_contiguous and not cases["fortran"].flags.c_contiguous
    expected = {name: np.ascontiguousarray(a.astype(np.float32)) for name, a in cases.items()}
    return cases, expected


def hostile_zip(path):
    """A torch-style zip whose data.pkl is `os.system('ls')` (protocol 2), written as bytes."""
    payload = b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03."
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/version", "3\n")


def deflated_copy(source, path):
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    tensors = {}
    clips = {"wav44": decode(MEDIA / "audio_44k_stereo.wav"), "wav48": decode(MEDIA / "audio_48k_stereo.wav"),
             "synthetic": synthetic_waveform()}
    logmels = {}
    for name, wave in clips.items():
        # vggish_input.waveform_to_examples: mel_features.log_mel_spectrogram then frame.
        logmels[name] = vggish_input.waveform_to_examples(wave, RATE, return_tensor=False)
        tensors[f"waveform.{name}"] = wave
        tensors[f"logmel.{name}"] = logmels[name].astype(np.float32)
        print(f"{name}: {wave.size} samples → log-mel {logmels[name].shape}, "
              f"range [{logmels[name].min():.3f}, {logmels[name].max():.3f}]")

    torch.manual_seed(0)
    model = reference_model()
    weights = vggish_seeded.state_dict(vggish_seeded.network_specs())
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
    pca = vggish_seeded.state_dict(vggish_seeded.pca_specs())
    for name in clips:
        e = embed(model, tensors[f"logmel.{name}"])
        scaled, google = google_postprocess(e, pca["pca_eigen_vectors"], pca["pca_means"])
        rounded = torchvggish_postprocess(e, pca["pca_eigen_vectors"], pca["pca_means"])
        tensors[f"embedding.{name}"] = e
        tensors[f"pca.{name}"] = scaled.astype(np.float32)
        tensors[f"google.{name}"] = google.astype(np.float32)
        tensors[f"torchvggish.{name}"] = rounded.astype(np.float32)
        print(f"{name}: embedding std {e.std():.3f} max |e| {np.abs(e).max():.3f}; codes at 0 or 255: "
              f"{np.mean((google == 0) | (google == 255)):.1%}; rounding differs from truncation in "
              f"{np.mean(rounded != google):.1%}")

    # The tiny network, in both .pth formats.
    torch.manual_seed(1234)
    tiny = reference_model(conv_widths=(4, 8, 16, 16, 32, 32), hidden=64, embedding=16)
    tiny_state = tiny.state_dict()
    torch.save(tiny_state, OUT / "tiny_vggish.pth")
    torch.save(tiny_state, OUT / "tiny_vggish_legacy.pth", _use_new_zipfile_serialization=False)
    rng = np.random.default_rng(99)
    tiny_eigen = rng.uniform(-0.4, 0.4, (16, 16))
    tiny_means = rng.uniform(-0.1, 0.1, 16)
    torch.save({"pca_eigen_vectors": tiny_eigen, "pca_means": tiny_means}, OUT / "tiny_pca_numpy_legacy.pth",
               _use_new_zipfile_serialization=False)
    torch.save({"pca_eigen_vectors": torch.from_numpy(tiny_eigen).float(),
                "pca_means": torch.from_numpy(tiny_means).float().reshape(-1, 1)}, OUT / "tiny_pca_tensors.pth")
    tiny_embedding = embed(tiny, tensors["logmel.wav44"])
    tensors["tiny.embedding"] = tiny_embedding
    tensors["tiny.google"] = google_postprocess(tiny_embedding, tiny_eigen, tiny_means)[1].astype(np.float32)

    cases, expected = pth_cases()
    torch.save(cases, OUT / "pth_cases.pth")
    torch.save(cases, OUT / "pth_cases_legacy.pth", _use_new_zipfile_serialization=False)
    torch.save(cases, OUT / "pth_cases_protocol4.pth", pickle_protocol=4)
    save_file(expected, str(OUT / "pth_expected.safetensors"))
    arrays, expected_arrays = numpy_cases()
    torch.save(arrays, OUT / "numpy_cases_legacy.pth", _use_new_zipfile_serialization=False)
    save_file(expected_arrays, str(OUT / "numpy_expected.safetensors"))
    hostile_zip(OUT / "hostile_global.pth")
    deflated_copy(OUT / "pth_cases.pth", OUT / "deflated.pth")

    metadata = {
        "script": "Scripts/reference/make_vggish_goldens.py",
        "torch": torch.__version__, "numpy": np.__version__, "torchvggish": "0.2",
        "ffmpeg": subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0],
        "seed": str(vggish_seeded.DEFAULT_SEED),
        "clips": json.dumps(list(clips)),
    }
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()},
              str(OUT / "goldens.safetensors"), metadata=metadata)
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
