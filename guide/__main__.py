"""python -m guide serve [--config FILE] [--port N] [--model REF] | schema

`serve` runs the websocket guide; `schema` rewrites the committed protocol schema document.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from common.settings import SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m guide")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the guide server")
    s.add_argument("--config", type=Path, help="YAML file overriding guide/config.py defaults")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--model", help="'default', a Hugging Face id, a checkpoint or a trained guide directory")
    s.add_argument("--db", help="SQLite file for interactions and ratings, or a postgresql:// URL")
    s.add_argument("--max-batch", type=int, dest="max_batch")
    s.add_argument("--backend", choices=["auto", "transformers", "llamacpp", "openai"],
                   help="generation backend (default auto: llama.cpp when installed and the model has a GGUF)")
    s.add_argument("--openai-url", dest="openai_url", help="OpenAI-compatible server, for --backend openai")
    s.add_argument("--openai-model", dest="openai_model", help="model name on that server")
    sub.add_parser("schema", help="write guide/protocol_schema.json")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "schema":
        from guide.protocol import SCHEMA_PATH, write_schema

        write_schema()
        print(f"wrote {SCHEMA_PATH}")
        return 0
    from guide.app import build_service
    from guide.config import ServerSettings
    from guide.server import GuideServer

    overrides = {k: getattr(args, k) for k in ("host", "port", "model", "db", "max_batch", "backend",
                                                  "openai_url", "openai_model")}
    try:
        settings = load_settings(ServerSettings, args.config, overrides)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    server = GuideServer(settings, lambda: build_service(settings))
    asyncio.run(server.run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
