"""Hugging Face ids turned into local directories: from the local hub cache, or downloaded only
where the hub can be reached and HF_HUB_OFFLINE is not set. Used for language models and
sentence encoders alike."""
from __future__ import annotations

import os
import re
from pathlib import Path

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


class ModelNotAvailable(RuntimeError):
    """A model reference that cannot be turned into local files."""


def from_hub(ref: str, hint: str) -> Path:
    """The local directory of hub id `ref`; `hint` (the offline alternatives) ends every error."""
    if not HUB_ID.match(ref):
        raise ModelNotAvailable(
            f"model {ref!r} is neither a local directory nor a Hugging Face id (owner/name). {hint}"
        )
    from huggingface_hub import (
        snapshot_download,  # the hub client is slow to import; most runs never need it
    )

    try:
        return Path(snapshot_download(ref, local_files_only=True))
    except Exception:  # not in the local hub cache: try the hub only if allowed
        pass
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false"):
        raise ModelNotAvailable(
            f"model {ref!r} is not in the local Hugging Face cache and HF_HUB_OFFLINE is set. {hint}"
        )
    try:
        return Path(snapshot_download(ref, allow_patterns=["*.json", "*.safetensors", "*.model",
                                                            "*.txt", "*.jinja", "*.tiktoken"]))
    except Exception as exc:
        raise ModelNotAvailable(
            f"model {ref!r} could not be fetched from the Hugging Face hub "
            f"(no network or no such model: {type(exc).__name__}). {hint}"
        ) from exc
