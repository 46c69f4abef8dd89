#!/usr/bin/env python3
"""Times sentence-transformers on the CPU encoding titles, the reference beside `vidtag-bench text`.

`vidtag-bench text` writes its titles to a JSON file and runs this script in the same run with the
same thread count; it can also run alone:

    text_torch.py --model DIR --titles titles.json --out torch.json [--threads N]
                  [--batch-sizes 1,32] [--repeats N] [--warmup N]

For each batch size: SentenceTransformer.encode(titles, batch_size=B) (its tokenizer, BertModel,
pooling and normalisation: the same work as vidtag's TextEncoder.encode) runs --warmup times
untimed, then --repeats times timed with time.perf_counter (monotonic) under
torch.set_num_threads(--threads); the best pass is kept. Then the same work with the BERT model
exported to ONNX and run by onnxruntime with the same threads (onnx_runtime.py; skipped with
--no-onnx or without onnxruntime): the same tokenizer, batches formed as sentence-transformers
forms them (sorted by length, padded per batch), mean pooling and normalisation in numpy. Writes
{"torch", "sentence_transformers", "threads", "seconds": {batch size: best seconds per pass},
 "onnxruntime": {"version", "seconds": {...}}}.
"""
import argparse
import json
import time
import warnings

import numpy as np
import torch

import onnx_runtime

warnings.filterwarnings("ignore")


class BertOutput(torch.nn.Module):
    """The transformer's token states, the part ONNX Runtime runs."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state


def onnx_encoder(model, threads):
    """encode(titles, batch_size) as sentence-transformers does it, the BERT part in ONNX Runtime."""
    tokenizer = model.tokenizer
    bert = model[0].auto_model.eval()
    max_length = model.max_seq_length
    example = tokenizer(["an example title"], padding=True, truncation=True, max_length=max_length,
                        return_tensors="pt")
    names = ("input_ids", "attention_mask", "token_type_ids")
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    axes["y"] = {0: "batch", 1: "tokens"}
    session = onnx_runtime.session(BertOutput(bert), tuple(example[n] for n in names), threads,
                                   input_names=names, dynamic_axes=axes)

    def encode(titles, batch_size):
        order = np.argsort([-len(t) for t in titles], kind="stable")
        out = [None] * len(titles)
        for start in range(0, len(titles), batch_size):
            batch = [titles[i] for i in order[start:start + batch_size]]
            tokens = tokenizer(batch, padding=True, truncation=True, max_length=max_length, return_tensors="np")
            states = session.run(None, {n: tokens[n].astype(np.int64) for n in names})[0]
            mask = tokens["attention_mask"][..., None].astype(np.float32)
            pooled = (states * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            for i, row in zip(order[start:start + batch_size], pooled):
                out[i] = row
        return np.stack(out)

    return encode


def best_seconds(one_pass, warmup, repeats):
    for _ in range(warmup):
        one_pass()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        one_pass()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--titles", required=True, help="a JSON list of strings")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--batch-sizes", default="1,32")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--no-onnx", action="store_true", help="do not time ONNX Runtime")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    import sentence_transformers
    from sentence_transformers import SentenceTransformer

    with open(args.titles, encoding="utf-8") as f:
        titles = json.load(f)
    model = SentenceTransformer(args.model, device="cpu")
    sizes = [int(s) for s in args.batch_sizes.split(",")]
    seconds = {}
    for size in sizes:
        seconds[str(size)] = best_seconds(
            lambda: model.encode(titles, batch_size=size, convert_to_numpy=True, show_progress_bar=False),
            args.warmup, args.repeats)
        print(f"sentence-transformers batch {size}: {len(titles) / seconds[str(size)]:.1f} titles/s", flush=True)
    results = {"torch": torch.__version__, "sentence_transformers": sentence_transformers.__version__,
               "threads": torch.get_num_threads(), "seconds": seconds}
    if not args.no_onnx and onnx_runtime.available():
        encode = onnx_encoder(model, args.threads)
        reference = model.encode(titles[:8], batch_size=8, convert_to_numpy=True, show_progress_bar=False)
        difference = float(np.abs(encode(titles[:8], 8) - reference).max())
        if difference > 1e-4:
            raise SystemExit(f"onnxruntime's embeddings differ from sentence-transformers' by {difference}")
        onnx_seconds = {}
        for size in sizes:
            onnx_seconds[str(size)] = best_seconds(lambda: encode(titles, size), args.warmup, args.repeats)
            print(f"onnxruntime batch {size}: {len(titles) / onnx_seconds[str(size)]:.1f} titles/s", flush=True)
        results["onnxruntime"] = {"version": onnx_runtime.version(), "seconds": onnx_seconds}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
