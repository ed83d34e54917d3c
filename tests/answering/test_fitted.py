"""The learned parts are fitted ahead by a command, and a manifest says what each learnt from."""
import dataclasses
import json

import pytest

from answering.__main__ import fitted_parts, main
from answering.fitted import Fitted, manifest, read_manifest, stale


def part(tmp_path, name="guard", key="k1", content=b"weights") -> Fitted:
    path = tmp_path / f"{name}-{key}.npz"
    path.write_bytes(content)
    return Fitted(name, key, path, 3, {"ordinary": 2, "hate": 1}, now=False)


def test_a_manifest_describes_its_parts_until_one_changes(tmp_path):
    guard, answerable = part(tmp_path), part(tmp_path, "answerable", "a1")
    written = json.loads(json.dumps(manifest([guard, answerable], "default", "abc", "2026-01-01T00:00:00Z")))
    assert written["parts"]["guard"]["kinds"] == {"hate": 1, "ordinary": 2}
    assert stale(written, [guard, answerable]) == []
    assert stale(None, [guard]) == ["no manifest: run `python -m answering fit`"]
    refitted = dataclasses.replace(guard, key="k2")
    assert [p.split(":")[0] for p in stale(written, [refitted, answerable])] == ["guard"]
    answerable.path.write_bytes(b"other weights")
    assert stale(written, [guard, answerable]) == ["answerable: answerable-a1.npz changed since it was fitted"]
    answerable.path.unlink()
    assert stale(written, [guard, answerable]) == ["answerable: its file is missing"]
    assert stale(written, [guard, part(tmp_path, "other")]) == ["other: not in the manifest"]
    moved = dataclasses.replace(guard, path=tmp_path / "guard-k1-other_encoder.npz")
    assert stale(written, [moved]) == ["guard: fitted for another encoder or place (guard-k1.npz)"]


@pytest.mark.embedded
def test_the_fit_command_writes_a_manifest_that_the_served_parts_match(retriever, tmp_path, capsys):
    path = tmp_path / "classifiers.json"
    assert main(["fit", "--manifest", str(path)]) == 0
    recorded = read_manifest(path)
    parts = fitted_parts(retriever)
    assert stale(recorded, parts) == []
    assert not any(p.now for p in parts)  # kept by the command: a server reads them, it does not fit them
    assert recorded["parts"]["guard"]["kinds"]["ordinary"] > recorded["parts"]["guard"]["kinds"]["hate"] > 0
    fitted = recorded["fitted"]
    capsys.readouterr()
    assert main(["fit", "--manifest", str(path)]) == 0
    assert read_manifest(path)["fitted"] == fitted  # nothing changed, nothing refitted
    assert capsys.readouterr().out.count("up to date") == 2
    path.write_text('{"parts": {"guard": {"key": "k"}}}')
    with pytest.raises(ValueError):
        read_manifest(path)
