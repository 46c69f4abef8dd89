#!/usr/bin/env python3
"""Times sentence-transformers on the CPU encoding titles, the reference beside `vidtag-bench text`.

`vidtag-bench text` writes its titles to a JSON file and runs this script in the same run with the
same thread count; it can also run alone:

    text_torch.py --model DIR --titles titles.json --out torch.json [--threads N]
                  [--batch-sizes 1,32] [--repeats N] [--warmup N]

For each batch size: SentenceTransformer.encode(titles, batch_size=B) (its tokenizer, BertModel,
pooling and normalisation: the same work as vidtag's TextEncoder.encode) runs --warmup times
untimed, then --repeats times timed with time.perf_counter (monotonic) under
torch.set_num_threads(--threads); the best pass is kept. Writes
{"torch", "sentence_transformers", "threads", "seconds": {batch size: best seconds per pass}}.
"""
import argparse
import json
import time
import warnings

import torch

warnings.filterwarnings("ignore")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--titles", required=True, help="a JSON list of strings")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--batch-sizes", default="1,32")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    import sentence_transformers
    from sentence_transformers import SentenceTransformer

    with open(args.titles, encoding="utf-8") as f:
        titles = json.load(f)
    model = SentenceTransformer(args.model, device="cpu")
    seconds = {}
    for size in [int(s) for s in args.batch_sizes.split(",")]:
        def one_pass():
            model.encode(titles, batch_size=size, convert_to_numpy=True, show_progress_bar=False)
        for _ in range(args.warmup):
            one_pass()
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            one_pass()
            best = min(best, time.perf_counter() - start)
        seconds[str(size)] = best
        print(f"sentence-transformers batch {size}: {len(titles) / best:.1f} titles/s", flush=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"torch": torch.__version__, "sentence_transformers": sentence_transformers.__version__,
                   "threads": torch.get_num_threads(), "seconds": seconds}, f, indent=2)


if __name__ == "__main__":
    main()
