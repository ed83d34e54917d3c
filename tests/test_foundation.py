"""Model resolution (weights/) and typed settings (common/): what every package stands on."""
import json
from pathlib import Path

import pytest
import yaml

from common.hub import ModelNotAvailable
from common.settings import SettingsError, load_settings
from weights.models import resolve_embedder, resolve_lm

ROOT = Path(__file__).resolve().parent.parent


def test_base_resolves_to_the_verified_embedded_checkpoint_and_default_to_the_shipped_guide():
    model = resolve_lm("base")
    assert model.source == "embedded" and (model.path / "model.safetensors").is_file()
    recorded = json.loads((model.path / "checksum.json").read_text())
    assert recorded["size"] == (model.path / "model.safetensors").stat().st_size
    assert resolve_lm("embedded").path == model.path
    assert resolve_lm(None).path == resolve_lm("default").path != model.path


def test_local_and_trained_guide_directories_resolve(tiny_llama, tmp_path):
    assert resolve_lm(str(tiny_llama)).source == "local"
    guide = tmp_path / "guide"
    guide.mkdir()
    (guide / "config.json").write_text("{}")
    (guide / "manifest.json").write_text(json.dumps({"base_model": "default"}))
    resolved = resolve_lm(str(guide))
    assert resolved.source == "guide" and resolved.manifest["base_model"] == "default"
    assert resolved.manifest_hash


def test_unreachable_hub_id_names_the_offline_alternatives(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotAvailable) as err:
        resolve_lm("TinyLlama/TinyLlama-1.1B-Chat-v1.0")
    assert "TinyLlama/TinyLlama-1.1B-Chat-v1.0" in str(err.value)
    assert "'default'" in str(err.value) and "'base'" in str(err.value) and "manifest.json" in str(err.value)
    with pytest.raises(ModelNotAvailable, match="neither a local directory"):
        resolve_lm("no such model")


def test_embedder_resolves_locally_without_a_hub():
    path = resolve_embedder("default")
    assert (path / "config.json").is_file() and (path / "modules.json").is_file()
    from sentence_transformers import SentenceTransformer

    vectors = SentenceTransformer(str(path), device="cpu").encode(["the Kyrenia ship", "a merchant ship from Kyrenia", "opening hours"])
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]  # it encodes meaning, not just loads


# written data like the exhibits, questions, replies and requests, not settings: each has a schema of its own
DATA = {ROOT / "knowledge" / "glossary.yaml", ROOT / "knowledge" / "phrasebook.yaml", ROOT / "knowledge" / "words.yaml",
        *(ROOT / "answering" / "data").glob("*.yaml")}


def shipped_yaml():
    return sorted(p for p in ROOT.glob("**/*.yaml") if ".venv" not in p.parts and
                  "exhibits" not in p.parts and "questions" not in p.parts and "replies" not in p.parts
                  and "requests" not in p.parts and p not in DATA and
                  "node_modules" not in p.parts and ".cache" not in p.parts)


def settings_for(path: Path):
    from guide.config import ServerSettings

    table = {"server.yaml": (ServerSettings, None)}
    try:
        from training.config import ImproveSettings, TrainSettings
        table["train.yaml"] = (TrainSettings, None)
        table["improve.yaml"] = (ImproveSettings, None)
    except ImportError:
        pass
    try:
        from ros_bridge.config import BridgeSettings
        table["bridge.yaml"] = (BridgeSettings, "guide_bridge")
    except ImportError:
        pass
    if path.parent == ROOT / "training" / "configs" and path.name != "improve.yaml":  # every training recipe
        return table.get("train.yaml")
    return table.get(path.name)


def test_every_shipped_yaml_loads_into_its_settings_model():
    files = shipped_yaml()
    assert files, "no shipped YAML found"
    for path in files:
        entry = settings_for(path)
        assert entry, f"{path} has no settings model"
        model, section = entry
        data = yaml.safe_load(path.read_text())
        if section:  # ros__parameters form
            data = data[section]["ros__parameters"]
            model.model_validate(data)
        else:
            load_settings(model, path)


def test_settings_errors_name_the_file_and_field(tmp_path):
    from guide.config import ServerSettings

    bad = tmp_path / "server.yaml"
    bad.write_text("port: -3\nmax_batchh: 4\n")
    with pytest.raises(SettingsError) as err:
        load_settings(ServerSettings, bad)
    assert f"{bad}: field 'port'" in str(err.value)
    assert "field 'max_batchh'" in str(err.value)
