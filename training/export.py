"""python -m training.export --model artifacts/guide-smollm2 --format gguf [--types f16,q8_0,q4_0] [--check 20]

Writes a trained guide directory (merged weights) as GGUF files that llama.cpp reads, one per
type (f16, q8_0, and the q4 variants the gguf package can write), into DIR/gguf/, records them
in the manifest, and optionally checks parity: greedy answers from the f16 GGUF (llama-cpp-python)
and from transformers on the same prompts, reporting how many agree token for token.

The tokenizer and chat template come from the embedded SmolLM2 GGUF, whose vocabulary the
guide shares; a model with another tokenizer or architecture needs llama.cpp's own converter.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import sys
import time
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
TYPES = {"f16": ("F16", 1), "q8_0": ("Q8_0", 7), "q4_0": ("Q4_0", 2), "q4_1": ("Q4_1", 3)}
LAYER = {"input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
         "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
         "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
         "mlp.down_proj": "ffn_down"}
TOP = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
       "lm_head.weight": "output.weight"}
SKIP_KEYS = {"general.architecture", "general.file_type", "general.name", "general.quantization_version"}
SHAPE_KEYS = ("llama.",)  # the model's own shape replaces the reference file's


class ExportError(RuntimeError):
    """A model that cannot be exported; the message says what would."""


def gguf_name(name: str) -> str | None:
    if name in TOP:
        return TOP[name]
    m = re.fullmatch(r"model\.layers\.(\d+)\.(.+)\.weight", name)
    return f"blk.{m.group(1)}.{LAYER[m.group(2)]}.weight" if m and m.group(2) in LAYER else None


def permute(w: np.ndarray, heads: int) -> np.ndarray:
    """Rotary halves interleaved the way llama.cpp expects q and k (the inverse of what loading
    a GGUF into transformers undoes)."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def reference_gguf():
    from knowledge.models import embedded_gguf_path

    return embedded_gguf_path()


def _copy_metadata(reader, writer, config: dict, label: str, file_type: int) -> None:
    from gguf import GGUFValueType

    for key, field in reader.fields.items():
        if key.startswith(("GGUF.", *SHAPE_KEYS)) or key in SKIP_KEYS:
            continue
        vtype = field.types[0]
        sub = field.types[1] if vtype == GGUFValueType.ARRAY and len(field.types) > 1 else None
        writer.add_key_value(key, field.contents(), vtype, sub_type=sub)
    writer.add_name(label)
    writer.add_file_type(file_type)
    writer.add_quantization_version(2)
    heads = config["num_attention_heads"]
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(heads)
    writer.add_head_count_kv(config.get("num_key_value_heads") or heads)
    writer.add_rope_freq_base(float(config.get("rope_theta") or (config.get("rope_parameters") or {}).get("rope_theta", 10000.0)))
    writer.add_rope_dimension_count(config.get("head_dim") or config["hidden_size"] // heads)
    writer.add_layer_norm_rms_eps(float(config["rms_norm_eps"]))
    writer.add_vocab_size(config["vocab_size"])


def _tensor(name: str, w: np.ndarray, qtype, config: dict):
    """(data, raw dtype) for one tensor: norms stay F32, matrices take the export type."""
    from gguf import GGMLQuantizationType, quants

    if name.endswith("q_proj.weight"):
        w = permute(w, config["num_attention_heads"])
    elif name.endswith("k_proj.weight"):
        w = permute(w, config.get("num_key_value_heads") or config["num_attention_heads"])
    if w.ndim == 1:
        return w.astype(np.float32), None
    if qtype == GGMLQuantizationType.F16:
        return w.astype(np.float16), None
    return quants.quantize(w.astype(np.float32), qtype), qtype


def export_gguf(model_dir: Path, out: Path, kind: str = "f16") -> Path:
    from gguf import GGMLQuantizationType, GGUFReader, GGUFWriter
    from safetensors.torch import load_file

    config = json.loads((model_dir / "config.json").read_text())
    if config.get("model_type") != "llama":
        raise ExportError(f"{model_dir}: only llama-architecture models export here (this is "
                          f"{config.get('model_type')!r}); use llama.cpp's convert_hf_to_gguf.py")
    reader = GGUFReader(str(reference_gguf()))
    vocab = len(reader.fields["tokenizer.ggml.tokens"].data)
    if vocab != config["vocab_size"]:
        raise ExportError(f"{model_dir}: vocabulary of {config['vocab_size']} tokens is not the embedded "
                          f"tokenizer's {vocab}; use llama.cpp's convert_hf_to_gguf.py")
    qname, file_type = TYPES[kind]
    qtype = GGMLQuantizationType[qname]
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = GGUFWriter(str(out), "llama")
    _copy_metadata(reader, writer, config, f"heritage guide ({model_dir.name})", file_type)
    weights = {}
    for shard in sorted(model_dir.glob("*.safetensors")):
        weights.update(load_file(shard))
    for name, tensor in weights.items():
        target = gguf_name(name)
        if target is None or (target == "output.weight" and config.get("tie_word_embeddings")):
            continue
        data, raw = _tensor(name, tensor.float().numpy(), qtype, config)
        writer.add_tensor(target, data, raw_dtype=raw)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=True)
    writer.close()
    return out


def parity(model_dir: Path, gguf_path: Path, prompts: list[list[dict]], max_tokens: int = 48) -> float:
    """Share of prompts whose greedy answers are token for token the same in both runtimes."""
    import torch
    from llama_cpp import Llama
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    llm = Llama(str(gguf_path), n_ctx=2048, verbose=False, logits_all=False)
    same = 0
    for messages in prompts:
        ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
        with torch.no_grad():
            ref = model.generate(torch.tensor([ids]), max_new_tokens=max_tokens, do_sample=False,
                                 repetition_penalty=1.0)[0, len(ids):].tolist()
        got = []
        for token in llm.generate(ids, top_k=1, temp=0.0, repeat_penalty=1.0, reset=True):
            got.append(token)
            if token == llm.token_eos() or len(got) >= len(ref):
                break
        same += got == ref
    return same / max(1, len(prompts))


def record(model_dir: Path, files: list[Path], parity_rate: float | None) -> None:
    path = model_dir / "manifest.json"
    manifest = json.loads(path.read_text()) if path.is_file() else {}
    written = {str(f.relative_to(model_dir)) for f in files}
    # a file exported again replaces its entry instead of adding a second one
    manifest["exports"] = [e for e in manifest.get("exports", []) if e["file"] not in written]
    for f in files:
        manifest["exports"].append({"format": "gguf", "file": str(f.relative_to(model_dir)),
                                    "bytes": f.stat().st_size, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                    "sha256": hashlib.sha256(f.read_bytes()).hexdigest()[:16]})
    if parity_rate is not None:
        manifest["gguf_parity"] = parity_rate
    if path.is_file():
        path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def check_prompts(n: int) -> list[list[dict]]:
    from knowledge.retrieval import Retriever, grounded_prompt
    from training.evaluate import load_eval

    retriever = Retriever()
    return [grounded_prompt(retriever, i["question"], i["exhibit"])[1] for i in load_eval(limit=n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.export", description=__doc__.split("\n\n")[1])
    parser.add_argument("--model", type=Path, required=True, help="a trained guide (or any llama) directory")
    parser.add_argument("--format", choices=["gguf"], default="gguf")
    parser.add_argument("--types", default="f16,q8_0,q4_0", help=f"comma-separated, of {', '.join(TYPES)}")
    parser.add_argument("--out", type=Path, help="directory for the files; default MODEL/gguf")
    parser.add_argument("--check", type=int, default=0, metavar="N", help="parity check on N held-out prompts")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    kinds = [k.strip() for k in args.types.split(",") if k.strip()]
    if unknown := [k for k in kinds if k not in TYPES]:
        print(f"error: unknown types {', '.join(unknown)} (known: {', '.join(TYPES)})", file=sys.stderr)
        return 2
    if not (args.model / "config.json").is_file():
        print(f"error: {args.model} has no config.json", file=sys.stderr)
        return 2
    out = args.out or args.model / "gguf"
    try:
        files = [export_gguf(args.model, out / f"guide-{k}.gguf", k) for k in kinds]
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rate = None
    if args.check and "f16" in kinds:
        rate = parity(args.model, out / "guide-f16.gguf", check_prompts(args.check))
        print(f"parity (greedy, token for token) on {args.check} prompts: {rate:.2f}")
    record(args.model, files, rate)
    for f in files:
        print(f"{f}  {f.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
