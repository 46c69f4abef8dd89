#!/usr/bin/env python3
"""Reference tokenizations and embeddings for vidtag's text encoder, made with Hugging Face
transformers and sentence-transformers.

Writes into Fixtures/text/:

- minilm-tokenizer/: all-MiniLM-L6-v2's vocab.txt, tokenizer_config.json and
  special_tokens_map.json (bert-base-uncased's vocabulary), copied from the model directory,
  so that the tokenizer tests run without the weights.
- tiny-bert/: a randomly initialised BertModel (2 layers, hidden 128, 4 heads, intermediate 256,
  gelu_new, 64 positions, with pooler) saved by `save_pretrained` (safetensors, F32), with a
  small cased vocabulary of its own (CJK characters, `##` pieces; see text_vocab.py) and
  do_lower_case false.
- tiny-bert-mlm/: a randomly initialised BertForMaskedLM (1 layer, hidden 64, 2 heads,
  intermediate 128, relu, 40 positions; tensors under `bert.`, MLM head `cls.*`) saved in F16,
  uncased, wrapped as a sentence-transformers model (pooling cls + max, Normalize,
  max_seq_length 24).
- tokenizer_goldens.json: for every string of text_strings.tokenizer_strings() the ids of the
  slow (Python) BertTokenizer under four configurations (minilm uncased; tiny cased; tiny
  lower-cased keeping accents; tiny cased stripping accents without CJK splitting, with
  never_split), the fast tokenizer's ids where they differ, and truncation cases.
- tiny_bert_goldens.safetensors: tiny-bert's BertModel outputs for a padded batch with its
  attention mask (hidden states at the unmasked positions of the first 12 texts; masked mean,
  CLS and pooler output of all 40) and
  tiny-bert-mlm's sentence-transformers embeddings.
- minilm_goldens.safetensors: sentence-transformers embeddings of all-MiniLM-L6-v2 for
  text_strings.encoder_strings().

Run by a developer (not CI), from the repository root, with torch, transformers 5.x,
sentence-transformers and safetensors installed:

    python Scripts/reference/make_text_goldens.py [--model DIR]

DIR (default Models/demo/text/all-MiniLM-L6-v2) is fetched with Scripts/fetch-text-model.sh when
absent. The ids depend on Python's Unicode database (recorded in the goldens: the Swift
tokenizer reproduces CPython 3.11's Unicode 14.0.0).
"""
import argparse
import json
import pathlib
import platform
import shutil
import subprocess
import sys
import unicodedata
import warnings

import numpy as np
import sentence_transformers
import torch
import transformers
from sentence_transformers import SentenceTransformer
from transformers import BertConfig, BertForMaskedLM, BertModel, BertTokenizer
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import text_strings  # noqa: E402
import text_vocab  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Fixtures" / "text"
SEED = 20261126
VERY_LONG = 100_000  # max_length for "no truncation" (texts are far shorter)
HIDDEN_SEQUENCES = 12  # tiny-bert texts whose every hidden state is kept (the rest: pooled only)

warnings.filterwarnings("ignore")
transformers.logging.set_verbosity_error()


def save_file(tensors, path, metadata):
    """safetensors.numpy.save_file, but with the header's keys sorted, so that the same values
    always give the same bytes (the library orders the metadata by hash)."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name in sorted(tensors):
        blob = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    encoded = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as out:
        out.write(len(encoded).to_bytes(8, "little") + encoded + b"".join(blobs))


def write_json(path, value):
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_tokenizer_files(directory, vocab, **options):
    """vocab.txt and tokenizer_config.json as transformers saves them (tokenizer_class set to
    BertTokenizer, so that AutoTokenizer gives the fast one, as for published models)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vocab.txt").write_text("".join(token + "\n" for token in vocab), encoding="utf-8")
    BertTokenizerLegacy(str(directory / "vocab.txt"), **options).save_pretrained(str(directory))
    config_path = directory / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "BertTokenizer"
    write_json(config_path, config)


def make_tiny_bert(vocab):
    directory = OUT / "tiny-bert"
    shutil.rmtree(directory, ignore_errors=True)
    write_tokenizer_files(directory, vocab, do_lower_case=False, model_max_length=64)
    torch.manual_seed(SEED)
    config = BertConfig(vocab_size=len(vocab) + 3, hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=256, hidden_act="gelu_new", max_position_embeddings=64, type_vocab_size=2,
                        layer_norm_eps=1e-12)
    model = BertModel(config, add_pooling_layer=True).eval()
    with torch.no_grad():  # larger than the default 0.02 init, so that layers do visible work
        for name, parameter in model.named_parameters():
            if "LayerNorm" not in name:
                parameter.normal_(0, 0.08)
    model.save_pretrained(str(directory), safe_serialization=True)
    return directory


def make_tiny_bert_mlm(vocab):
    directory = OUT / "tiny-bert-mlm"
    shutil.rmtree(directory, ignore_errors=True)
    write_tokenizer_files(directory, vocab, do_lower_case=True, model_max_length=40)
    (directory / "special_tokens_map.json").write_text(json.dumps({
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
        "mask_token": "[MASK]"}) + "\n", encoding="utf-8")
    torch.manual_seed(SEED + 1)
    config = BertConfig(vocab_size=len(vocab), hidden_size=64, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=128, hidden_act="relu", max_position_embeddings=40, type_vocab_size=2)
    model = BertForMaskedLM(config).eval()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "LayerNorm" not in name:
                parameter.normal_(0, 0.1)
    model.half().save_pretrained(str(directory), safe_serialization=True)
    write_json(directory / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    (directory / "1_Pooling").mkdir()
    write_json(directory / "1_Pooling" / "config.json",
               {"embedding_dimension": 64, "pooling_mode": ["cls", "max"], "include_prompt": True})
    write_json(directory / "sentence_bert_config.json", {"max_seq_length": 24, "do_lower_case": False})
    return directory


def copy_minilm_tokenizer(model_dir):
    directory = OUT / "minilm-tokenizer"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    for name in ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json"]:
        shutil.copyfile(model_dir / name, directory / name)
    return directory


TOKENIZER_CONFIGS = [
    ("minilm-uncased", "minilm-tokenizer", {}),
    ("tiny-cased", "tiny-bert", {}),
    ("tiny-lowercase-keep-accents", "tiny-bert", {"do_lower_case": True, "strip_accents": False}),
    ("tiny-strip-accents-no-cjk", "tiny-bert",
     {"do_lower_case": False, "strip_accents": True, "tokenize_chinese_chars": False,
      "never_split": ["C++", "T恤", "iPhone"]}),
]


def fnv1a64(data, value=0xCBF29CE484222325):
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def unicode_block_digests():
    """What the tokenizer asks of Python's Unicode database, for every code point: one line
    "cp category lower() NFC strip_accents isspace() sigma-after sigma-before" (code points as hex,
    sequences joined by "."), hashed with FNV-1a 64 per block of 4096 code points (surrogates
    skipped). The Swift test recomputes each block from PythonUnicode and names those that differ."""
    def hexes(text):
        return ".".join(f"{ord(c):x}" for c in text)
    digests = []
    for block in range(0x110):
        value = 0xCBF29CE484222325
        for cp in range(block * 0x1000, (block + 1) * 0x1000):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            c = chr(cp)
            stripped = "".join(x for x in unicodedata.normalize("NFD", c) if unicodedata.category(x) != "Mn")
            line = " ".join([f"{cp:x}", unicodedata.category(c), hexes(c.lower()), hexes(unicodedata.normalize("NFC", c)),
                             hexes(stripped), "1" if c.isspace() else "0", hexes(("A" + c + "\u03a3").lower()[-1]),
                             hexes(("A\u03a3" + c).lower()[1])]) + "\n"
            value = fnv1a64(line.encode("utf-8"), value)
        digests.append(f"{value:016x}")
    return digests


def make_tokenizer_goldens(strings):
    configs = []
    for name, directory, options in TOKENIZER_CONFIGS:
        slow = BertTokenizerLegacy.from_pretrained(str(OUT / directory), **options)
        fast = BertTokenizer.from_pretrained(str(OUT / directory), **options)
        ids, fast_differs = [], {}
        for index, text in enumerate(strings):
            reference = slow(text, truncation=True, max_length=VERY_LONG)["input_ids"]
            ids.append(reference)
            other = fast(text, truncation=True, max_length=VERY_LONG)["input_ids"]
            if other != reference:
                fast_differs[str(index)] = other
        print(f"tokenizer {name}: {len(strings)} strings, {sum(map(len, ids))} ids, "
              f"fast tokenizer differs on {len(fast_differs)}")
        configs.append({"name": name, "directory": directory, "options": options, "ids": ids,
                        "fast_differs": fast_differs})
    slow = BertTokenizerLegacy.from_pretrained(str(OUT / "minilm-tokenizer"))
    truncation = []
    for max_length in [2, 3, 16]:
        for text in ["", "hello", "Hello, world! " * 10, "2024新款夏季韩版宽松短袖T恤女 ins潮 M码 ¥59.9",
                     "a " * 20, "c" * 101]:
            full = slow(text, truncation=False)["input_ids"]
            cut = slow(text, truncation=True, max_length=max_length)["input_ids"]
            truncation.append({"text": text, "max_length": max_length, "ids": cut, "truncated": len(full) > len(cut)})
    return {
        "generator": "Scripts/reference/make_text_goldens.py",
        "python": platform.python_version(),
        "unicodedata": unicodedata.unidata_version,
        "transformers": transformers.__version__,
        "unicode_blocks": unicode_block_digests(),
        "strings": strings,
        "configs": configs,
        "truncation": truncation,
    }


def agreeing_strings(directory, candidates, count):
    """Strings on which slow and fast tokenizers agree (sentence-transformers uses the fast one)."""
    slow = BertTokenizerLegacy.from_pretrained(str(directory))
    fast = BertTokenizer.from_pretrained(str(directory))
    agreed = [s for s in candidates if slow(s)["input_ids"] == fast(s)["input_ids"]]
    return agreed[:count]


def environment():
    return {"python": platform.python_version(), "torch": torch.__version__, "transformers": transformers.__version__,
            "sentence_transformers": sentence_transformers.__version__}


def make_tiny_goldens(tiny_dir, mlm_dir):
    tensors, meta = {}, environment()
    # tiny-bert through transformers' BertModel, as one padded batch with its attention mask.
    strings = agreeing_strings(tiny_dir, text_strings.encoder_strings(), 40)
    tokenizer = BertTokenizerLegacy.from_pretrained(str(tiny_dir))
    model = BertModel.from_pretrained(str(tiny_dir), attn_implementation="eager").eval()
    batch = tokenizer(strings, padding=True, truncation=True, max_length=64, return_tensors="pt")
    with torch.no_grad():
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
    mask = batch["attention_mask"].bool()
    hidden = out.last_hidden_state
    # [N tokens, 128]: the unmasked positions of the first HIDDEN_SEQUENCES texts, one after another.
    tensors["tiny.hidden"] = hidden[:HIDDEN_SEQUENCES][mask[:HIDDEN_SEQUENCES]].numpy()
    weights = batch["attention_mask"].unsqueeze(-1).float()
    tensors["tiny.mean"] = ((hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)).numpy()
    tensors["tiny.cls"] = hidden[:, 0].numpy()
    tensors["tiny.pooler"] = out.pooler_output.numpy()
    meta["tiny.strings"] = json.dumps(strings, ensure_ascii=False)
    meta["tiny.ids"] = json.dumps([ids[:n] for ids, n in zip(batch["input_ids"].tolist(), mask.sum(1).tolist())])
    print(f"tiny-bert: {len(strings)} strings, {int(mask.sum())} tokens")

    # tiny-bert-mlm through sentence-transformers (fast tokenizer, F16 weights computed in F32).
    strings = agreeing_strings(mlm_dir, text_strings.encoder_strings(), 40)
    st = SentenceTransformer(str(mlm_dir), device="cpu", model_kwargs={"dtype": torch.float32})
    assert st.max_seq_length == 24, st.max_seq_length
    tensors["mlm.embeddings"] = st.encode(strings, batch_size=16, convert_to_numpy=True)
    meta["mlm.strings"] = json.dumps(strings, ensure_ascii=False)
    meta["mlm.token_counts"] = json.dumps(
        [len(ids) for ids in st.tokenizer(strings, truncation=True, max_length=24)["input_ids"]])
    print(f"tiny-bert-mlm: {len(strings)} strings, embeddings {tensors['mlm.embeddings'].shape}")
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()},
              str(OUT / "tiny_bert_goldens.safetensors"), metadata=meta)


def make_minilm_goldens(model_dir):
    strings = agreeing_strings(model_dir, text_strings.encoder_strings(), 64)
    st = SentenceTransformer(str(model_dir), device="cpu")
    assert st.max_seq_length == 256, st.max_seq_length
    embeddings = st.encode(strings, batch_size=16, convert_to_numpy=True)
    counts = [len(ids) for ids in st.tokenizer(strings, truncation=True, max_length=256)["input_ids"]]
    full = [len(ids) for ids in st.tokenizer(strings, truncation=False)["input_ids"]]
    meta = environment()
    meta["strings"] = json.dumps(strings, ensure_ascii=False)
    meta["token_counts"] = json.dumps(counts)
    meta["truncated"] = json.dumps([f > c for f, c in zip(full, counts)])
    save_file({"embeddings": np.ascontiguousarray(embeddings, dtype=np.float32)},
              str(OUT / "minilm_goldens.safetensors"), metadata=meta)
    print(f"all-MiniLM-L6-v2: {len(strings)} strings, {sum(f > c for f, c in zip(full, counts))} truncated")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(ROOT / "Models/demo/text/all-MiniLM-L6-v2"))
    args = parser.parse_args()
    model_dir = pathlib.Path(args.model)
    if not (model_dir / "model.safetensors").exists():
        subprocess.run(["bash", str(ROOT / "Scripts/fetch-text-model.sh"), str(model_dir)], check=True)
    torch.set_num_threads(1)  # deterministic reductions
    OUT.mkdir(parents=True, exist_ok=True)

    strings = text_strings.tokenizer_strings()
    vocab = text_vocab.build_vocabulary(strings)
    copy_minilm_tokenizer(model_dir)
    tiny_dir = make_tiny_bert(vocab)
    mlm_dir = make_tiny_bert_mlm(vocab)
    goldens = make_tokenizer_goldens(strings)
    (OUT / "tokenizer_goldens.json").write_text(
        json.dumps(goldens, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    make_tiny_goldens(tiny_dir, mlm_dir)
    make_minilm_goldens(model_dir)


if __name__ == "__main__":
    main()
