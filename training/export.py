"""python -m training.export --model artifacts/guide-smollm2 --format gguf [--types f16,q8_0,q4_0] [--check 20]

Writes a trained guide directory (merged weights) as GGUF files that llama.cpp reads, one per
type (f16, q8_0, and the q4 variants the gguf package can write), into DIR/gguf/, records them
in the manifest, and optionally checks parity: greedy answers from the f16 GGUF (llama-cpp-python)
and from transformers on the same prompts, reporting how many agree token for token.

The writer itself is knowledge/gguf_export.py.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from weights.gguf_export import TYPES, ExportError, export_gguf, record_exports
from weights.models import embedded_gguf_path

log = logging.getLogger(__name__)


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
        files = [export_gguf(args.model, out / f"guide-{k}.gguf", k, embedded_gguf_path()) for k in kinds]
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rate = None
    if args.check and "f16" in kinds:
        rate = parity(args.model, out / "guide-f16.gguf", check_prompts(args.check))
        print(f"parity (greedy, token for token) on {args.check} prompts: {rate:.2f}")
    record_exports(args.model, files, rate)
    for f in files:
        print(f"{f}  {f.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
