"""The shipped guide: merged at set-up exactly as peft merges it, remade when its inputs change,
and never stale against the catalogue and the prompt layout it was trained for."""
import json
import shutil
from importlib.util import find_spec

import pytest
import torch

from common.files import sha256_file
from knowledge.catalogue import default_catalogue
from knowledge.dataset import prompt_layout
from training.ship import ship
from weights.models import SHIPPED_DIR, embedded_gguf_path, resolve_lm
from weights.shipped import ADAPTER, GGUF_FILE, ShippedGuideError, prepare


def _adapter(tiny_llama, out):
    """A peft LoRA adapter on the tiny llama with non-zero B (fresh LoRA adds nothing)."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(1)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(tiny_llama),
                           LoraConfig(r=4, lora_alpha=8, target_modules="all-linear"))
    for name, p in model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(p, std=0.05)
    model.save_pretrained(out)
    return model


def _shipped_dir(tiny_llama, tmp_path):
    run = tmp_path / "run"
    _adapter(tiny_llama, run / "adapter")
    (run / "manifest.json").write_text(json.dumps({
        "base_model": {"ref": "base", "label": "tiny", "sha256": sha256_file(tiny_llama / "model.safetensors")},
        "data": {}, "settings": {"lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0, "lora_targets": "all-linear",
                                 "quantize": None, "learning_rate": 1e-3, "out": str(run)},
        "training": {"steps": 1, "tokens_seen": 1, "train_loss": 1, "eval_loss": 1, "tokens_per_s": 1},
        "train_seconds": 1, "code_version": "x"}))
    return run


def _recipe(tmp_path):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("epochs: 2\nout: artifacts/guide-from-recipe\n")
    return recipe


def test_the_merge_at_set_up_computes_what_peft_merges(tiny_llama, tmp_path):
    from transformers import AutoModelForCausalLM

    peft_model = _adapter(tiny_llama, tmp_path / "adapter")
    expected = peft_model.merge_and_unload().state_dict()
    shipped = tmp_path / "shipped"
    ship(_shipped_dir(tiny_llama, tmp_path), _recipe(tmp_path), None, shipped)
    merged = prepare(tiny_llama, shipped, tmp_path / "merged", embedded_gguf_path())
    got = AutoModelForCausalLM.from_pretrained(merged).state_dict()
    base = AutoModelForCausalLM.from_pretrained(tiny_llama).state_dict()
    changed = [k for k in expected if not torch.equal(expected[k], base[k])]
    assert changed, "the adapter changed nothing"
    for key, value in expected.items():  # the shipped adapter is half precision: tiny rounding only
        assert torch.allclose(got[key], value, atol=2e-3), key
    assert json.loads((merged / "manifest.json").read_text())["adapter_sha256"] == sha256_file(shipped / ADAPTER)
    # the card says how to reproduce it: the recipe, then shipping where the recipe writes its guide
    assert "--model artifacts/guide-from-recipe`" in (shipped / "README.md").read_text()


def test_a_merged_guide_is_reused_and_made_again_when_its_inputs_change(tiny_llama, tmp_path):
    shipped = tmp_path / "shipped"
    ship(_shipped_dir(tiny_llama, tmp_path), _recipe(tmp_path), None, shipped)
    target = prepare(tiny_llama, shipped, tmp_path / "merged", embedded_gguf_path())
    weights = target / "model.safetensors"
    first = weights.stat().st_mtime_ns
    prepare(tiny_llama, shipped, target, embedded_gguf_path())
    assert weights.stat().st_mtime_ns == first  # reused, not merged again
    with weights.open("r+b") as fh:  # damaged on disk
        fh.seek(-64, 2)
        fh.write(b"\0" * 64)
    prepare(tiny_llama, shipped, target, embedded_gguf_path())
    assert sha256_file(weights) == json.loads((target / "checksum.json").read_text())["sha256"]
    assert weights.stat().st_mtime_ns != first


def test_an_adapter_is_never_merged_onto_another_base(tiny_llama, tmp_path):
    shipped = tmp_path / "shipped"
    ship(_shipped_dir(tiny_llama, tmp_path), _recipe(tmp_path), None, shipped)
    other = tmp_path / "other-base"
    shutil.copytree(tiny_llama, other)
    with (other / "model.safetensors").open("r+b") as fh:
        fh.seek(-8, 2)
        fh.write(b"\1" * 8)
    with pytest.raises(ShippedGuideError, match="another base"):
        prepare(other, shipped, tmp_path / "merged", embedded_gguf_path())


def test_the_shipped_guide_matches_the_catalogue_and_prompt_layout_of_this_tree():
    """Fails when the catalogue or the prompt layout changes without a retrained adapter: retrain
    with `python -m training --config training/configs/shipped.yaml`, then
    `python -m training.ship --model artifacts/guide-shipped` (docs/training.md, "The shipped guide")."""
    manifest = json.loads((SHIPPED_DIR / "manifest.json").read_text())
    catalogue = default_catalogue()
    assert manifest["data"]["catalogue_hash"] == catalogue.source_hash, "the catalogue changed since the guide was trained"
    assert manifest["data"]["prompt_layout"] == prompt_layout(catalogue), "the prompt layout changed since the guide was trained"
    assert manifest["adapter_sha256"] == sha256_file(SHIPPED_DIR / ADAPTER)
    assert (SHIPPED_DIR / ADAPTER).stat().st_size < 8 << 20  # a few MB in the repository
    assert manifest["recipe"].endswith(".yaml") and manifest["train_seconds"] > 0


def test_the_prompt_layout_fingerprint_follows_the_persona(monkeypatch):
    import knowledge.prompting

    catalogue = default_catalogue()
    before = prompt_layout(catalogue)
    assert prompt_layout(catalogue) == before  # stable while nothing changes
    monkeypatch.setattr(knowledge.prompting, "PHRASER", knowledge.prompting.PHRASER + " Be brief.")
    assert prompt_layout(catalogue) != before


@pytest.mark.embedded
def test_default_is_the_shipped_guide_and_base_the_bare_embedded_model():
    from safetensors.torch import load_file

    guide, base = resolve_lm("default"), resolve_lm("base")
    assert guide.source == "guide" and base.source == "embedded"
    assert guide.manifest["adapter_sha256"] == sha256_file(SHIPPED_DIR / ADAPTER)
    assert guide.label != base.label
    a, b = load_file(guide.path / "model.safetensors"), load_file(base.path / "model.safetensors")
    assert a.keys() == b.keys() and any(not torch.equal(a[k], b[k]) for k in a)
    if find_spec("llama_cpp") is not None:  # set-up wrote the merged guide's GGUF and recorded it
        exports = guide.manifest["exports"]
        assert [e["file"] for e in exports] == [GGUF_FILE] and (guide.path / GGUF_FILE).stat().st_size == exports[0]["bytes"]
