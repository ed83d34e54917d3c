"""Checkpoints written as GGUF files that llama.cpp reads (f16, q8_0 and the q4 variants the
gguf package can write). Shared by `training.export` (the command) and the shipped guide's
set-up in `weights.models`.

The tokenizer and chat template come from a reference GGUF of the same vocabulary (the
embedded SmolLM2's); a model with another tokenizer or architecture needs llama.cpp's own
converter.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np

from common.files import sha256_file

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


def export_gguf(model_dir: Path, out: Path, kind: str, reference: Path, progress: bool = True) -> Path:
    """Write `model_dir`'s weights as one GGUF file of type `kind`; the tokenizer, chat template
    and other metadata come from `reference`, a GGUF of the same vocabulary."""
    from gguf import GGMLQuantizationType, GGUFReader, GGUFWriter
    from safetensors.torch import load_file

    config = json.loads((model_dir / "config.json").read_text())
    if config.get("model_type") != "llama":
        raise ExportError(f"{model_dir}: only llama-architecture models export here (this is "
                          f"{config.get('model_type')!r}); use llama.cpp's convert_hf_to_gguf.py")
    reader = GGUFReader(str(reference))
    vocab = len(reader.fields["tokenizer.ggml.tokens"].data)
    if vocab != config["vocab_size"]:
        raise ExportError(f"{model_dir}: vocabulary of {config['vocab_size']} tokens is not the embedded "
                          f"tokenizer's {vocab}; use llama.cpp's convert_hf_to_gguf.py")
    qname, file_type = TYPES[kind]
    qtype = GGMLQuantizationType[qname]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")  # a reader never meets half a file
    writer = GGUFWriter(str(tmp), "llama")
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
    writer.write_tensors_to_file(progress=progress)
    writer.close()
    tmp.replace(out)
    return out


def record_exports(model_dir: Path, files: list[Path], parity_rate: float | None = None) -> None:
    """List `files` (written under `model_dir`) in its manifest, where it has one."""
    path = model_dir / "manifest.json"
    if not path.is_file():
        return
    manifest = json.loads(path.read_text())
    written = {str(f.relative_to(model_dir)) for f in files}
    # a file exported again replaces its entry instead of adding a second one
    manifest["exports"] = [e for e in manifest.get("exports", []) if e["file"] not in written]
    for f in files:
        manifest["exports"].append({"format": "gguf", "file": str(f.relative_to(model_dir)),
                                    "bytes": f.stat().st_size, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                    "sha256": sha256_file(f)[:16]})
    if parity_rate is not None:
        manifest["gguf_parity"] = parity_rate
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
