"""Generation backends besides transformers: llama.cpp in process, and any OpenAI-compatible
server (llama.cpp's server, vLLM, TGI) over HTTP. Like TransformersEngine they yield text pieces
and know nothing about sockets; the scheduler runs them on its worker thread."""
from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

from guide.engine import Finish, GenRequest, Piece
from knowledge.models import ResolvedModel, embedded_gguf_path, resolve_lm

log = logging.getLogger(__name__)
PREFERENCE = ("q8_0", "f16", "q4_0", "q4_1")  # the fastest type that keeps answers intact first


class BackendUnavailable(RuntimeError):
    """A backend that cannot run with this model or installation; the message says why."""


def gguf_for(resolved: ResolvedModel) -> Path:
    """The GGUF file llama.cpp should load for a resolved model."""
    if resolved.source == "embedded":
        return embedded_gguf_path()
    exports = [e["file"] for e in (resolved.manifest or {}).get("exports", []) if e.get("format") == "gguf"]
    for kind in PREFERENCE:
        for f in exports:
            if f.endswith(f"-{kind}.gguf") and (resolved.path / f).is_file():
                return resolved.path / f
    raise BackendUnavailable(f"{resolved.ref} has no GGUF export; run `python -m training.export "
                             f"--model {resolved.ref}` or use --backend transformers")


def _stream_text(decode, tokens: list[int], sent: str) -> tuple[str, str]:
    text = decode(tokens)
    return text[len(sent):], text


class LlamaCppEngine:
    """llama-cpp-python, one answer at a time, greedy with the same repetition penalty. It keeps
    the KV cache of the previous prompt, so the shared persona and exhibit prefix of the next
    question is not computed again."""

    name = "llamacpp"
    max_batch = 1

    def __init__(self, model: str = "default", threads: int | None = None, n_ctx: int = 2048,
                 repetition_penalty: float = 1.15):
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise BackendUnavailable("llama-cpp-python is not installed (pip install -e '.[llamacpp]')") from exc
        from transformers import AutoTokenizer

        self.resolved = resolve_lm(model)
        self.model_label = self.resolved.label
        self.gguf = gguf_for(self.resolved)
        self.tokenizer = AutoTokenizer.from_pretrained(self.resolved.path)
        self.repetition_penalty = repetition_penalty
        self.llm = Llama(str(self.gguf), n_ctx=n_ctx, n_threads=threads or os.cpu_count(), verbose=False)
        self.eos = {self.llm.token_eos(), self.tokenizer.eos_token_id} - {None}
        log.info("llama.cpp backend on %s", self.gguf)

    def encode(self, messages: list[dict[str, str]]) -> list[int]:
        text = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return self.llm.tokenize(text.encode(), add_bos=False, special=True)

    def _decode(self, tokens: list[int]) -> str:
        return self.llm.detokenize(tokens).decode("utf-8", errors="ignore")

    def generate(self, batch: list[GenRequest]) -> Iterator[Piece]:
        for index, req in enumerate(batch):
            prompt = self.encode(req.messages)
            out: list[int] = []
            sent, finish = "", None
            if req.cancel.is_set():
                yield Piece(index, "", "cancelled", len(prompt), 0)
                continue
            # reset=True keeps the longest common prefix with the previous prompt in the KV cache
            for token in self.llm.generate(prompt, top_k=1, temp=0.0, repeat_penalty=self.repetition_penalty,
                                           reset=True):
                if req.cancel.is_set():
                    finish = "cancelled"
                elif token in self.eos:
                    finish = "stop"
                else:
                    out.append(token)
                    finish = "length" if len(out) >= req.max_new_tokens else None
                delta, sent = _stream_text(self._decode, out, sent)
                yield Piece(index, delta, finish, len(prompt), len(out))
                if finish:
                    break


class OpenAIEngine:
    """Streams chat completions from an OpenAI-compatible server; server errors, refusals and
    timeouts end the answer with an error instead of hanging."""

    name = "openai"

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 30.0,
                 max_batch: int = 8):
        self.base_url, self.model, self.timeout, self.max_batch = base_url.rstrip("/"), model, timeout, max_batch
        self.api_key = api_key or os.environ.get("OPENAI_API_KEY")
        self.model_label = f"{model} via {self.base_url}"
        self.resolved = ResolvedModel(model, Path("."), "hub")

    def _open(self, req: GenRequest):
        body = json.dumps({"model": self.model, "messages": req.messages, "stream": True,
                           "max_tokens": req.max_new_tokens, "temperature": 0.0}).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(f"{self.base_url}/v1/chat/completions", body, headers)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise BackendUnavailable(f"the model server at {self.base_url} did not answer: {exc}") from exc

    def generate(self, batch: list[GenRequest]) -> Iterator[Piece]:
        for index, req in enumerate(batch):  # one stream at a time; the server batches across guides
            yield from self._one(index, req)

    def _one(self, index: int, req: GenRequest) -> Iterator[Piece]:
        produced, finish = 0, None
        with self._open(req) as response:
            for raw in response:
                line = raw.decode("utf-8", errors="ignore").strip()
                if req.cancel.is_set():
                    finish = "cancelled"
                    break
                if not line.startswith("data:") or line == "data: [DONE]":
                    continue
                choice = (json.loads(line[5:]).get("choices") or [{}])[0]
                text = (choice.get("delta") or {}).get("content") or ""
                produced += bool(text)
                reason = choice.get("finish_reason")
                if reason:
                    finish = "length" if reason == "length" else "stop"
                yield Piece(index, text, None, 0, produced)
                if finish:
                    break
        yield Piece(index, "", finish or "stop", 0, produced)
