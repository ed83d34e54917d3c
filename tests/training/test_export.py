"""The export command's errors and its manifest bookkeeping (the GGUF writing itself is tested
with llama.cpp in tests/runtime/test_backends.py)."""
import json

from training.export import main
from weights.gguf_export import record_exports


def test_errors_name_what_was_wrong(tmp_path, capsys):
    (tmp_path / "config.json").write_text("{}")
    assert main(["--model", str(tmp_path), "--types", "f16,q9_9"]) == 2
    assert "unknown types q9_9" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["--model", str(empty), "--types", "f16"]) == 2
    err = capsys.readouterr().err
    assert "has no config.json" in err and "True" not in err


def test_exporting_again_replaces_the_manifest_entry(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "heritage-guide"}))
    gguf = tmp_path / "gguf" / "guide-f16.gguf"
    gguf.parent.mkdir()
    for content in (b"first", b"second"):
        gguf.write_bytes(content)
        record_exports(tmp_path, [gguf], None)
    exports = json.loads((tmp_path / "manifest.json").read_text())["exports"]
    assert [e["file"] for e in exports] == ["gguf/guide-f16.gguf"] and exports[0]["bytes"] == len(b"second")
