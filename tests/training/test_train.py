"""Fine-tuning on a tiny random llama built in the test, 4-bit (NF4) on the CPU."""
from __future__ import annotations

import json

import pytest
import torch
from transformers import TrainerCallback

from training.config import TrainSettings
from training.data import DatasetError
from training.run import run
from training.train_guide import RunError, main, parse_args

PAIRS = [
    ("What am I looking at?", "This is the Kyrenia Ship, a merchant ship that sank about 2,300 years ago."),
    ("Who found the ship?", "A diver called Andreas Cariolou found it in 1965."),
    ("What did it carry?", "It carried hundreds of wine amphorae and almonds."),
    ("Where is it now?", "It is displayed in Kyrenia Castle."),
]


def write_dataset(path, pairs=PAIRS, repeat=4):
    path.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in range(repeat):
        for q, a in pairs:
            rows.append({"id": f"r{n}-{q}", "messages": [
                {"role": "system", "content": "You are a museum guide."},
                {"role": "user", "content": q}, {"role": "assistant", "content": a}]})
    (path / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (path / "manifest.json").write_text(json.dumps({"data_hash": "test-data-hash"}))
    return path


def settings(tiny_llama, tmp_path, **kw) -> TrainSettings:
    base = dict(model=str(tiny_llama), out=tmp_path / "guide", data=write_dataset(tmp_path / "data"),
                quantize="nf4", max_steps=8, batch_size=2, grad_accum=1, learning_rate=3e-3,
                warmup_ratio=0.0, save_steps=4, logging_steps=1, evaluate=False, val_fraction=0.1,
                lora_targets="q_proj,v_proj")
    base.update(kw)
    return TrainSettings(**base)


PROBE = torch.tensor([[1, 20, 300, 4000, 50, 60, 7000]])


class Snapshot(TrainerCallback):
    """What training may and may not change, before and after: every weight, and the logits of
    the frozen base (adapters off). 4-bit weights are compared by what they compute, never by
    their packed storage, which bitsandbytes re-lays out for the CPU's kernels (AVX-512 BF16)
    while their values stay the same."""

    def __init__(self):
        self.before, self.after, self.quantised = {}, {}, set()
        self.base_before = self.base_after = self.tuned_after = None

    def _weights(self, model):
        out = {}
        for n, p in model.named_parameters():
            if getattr(p, "quant_state", None) is not None:
                self.quantised.add(n)
            else:
                out[n] = p.detach().float().clone()
        return out

    @staticmethod
    def _logits(model, adapters: bool = False):
        was_training = model.training
        model.eval()
        with torch.no_grad():
            if adapters:
                logits = model(input_ids=PROBE).logits.float().clone()
            else:
                with model.disable_adapter():
                    logits = model(input_ids=PROBE).logits.float().clone()
        model.train(was_training)
        return logits

    def on_train_begin(self, args, state, control, model=None, **kw):
        self.before, self.base_before = self._weights(model), self._logits(model)

    def on_train_end(self, args, state, control, model=None, **kw):
        self.after, self.base_after = self._weights(model), self._logits(model)
        self.tuned_after = self._logits(model, adapters=True)


class StopAt(TrainerCallback):
    """Simulates an interruption right after a checkpoint."""

    def __init__(self, step):
        self.step = step

    def on_step_end(self, args, state, control, **kw):
        if state.global_step >= self.step:
            control.should_training_stop = True


def test_nf4_training_lowers_loss_moves_only_lora_and_merges_faithfully(tiny_llama, tmp_path):
    snap = Snapshot()
    s = settings(tiny_llama, tmp_path, lora_targets="all-linear", learning_rate=2e-2)
    manifest = run(s, callbacks=[snap])
    assert manifest["settings"]["quantize"] == "nf4"
    t = manifest["training"]
    assert t["last_logged_loss"] < t["first_logged_loss"] - 0.1, t  # a frozen model stays within 0.01
    lora_moved = [n for n in snap.before if "lora_B" in n and not torch.equal(snap.before[n], snap.after[n])]
    assert lora_moved, "no LoRA weight changed"
    assert snap.quantised, "no base weight was loaded in 4 bits"
    frozen = [n for n in snap.before if "lora_" not in n]  # embeddings and norms: plain tensors
    assert frozen and all(torch.equal(snap.before[n], snap.after[n]) for n in frozen)
    # Saving a checkpoint re-quantises the 4-bit blocks' scales on CPUs whose kernels repack
    # them, a rounding far below what any training step of the base would cause: the base must
    # move at most a hundredth of what the adapter moved.
    drift = (snap.base_after - snap.base_before).abs().max()
    learnt = (snap.tuned_after - snap.base_after).abs().max()
    assert drift < learnt / 100, f"the frozen 4-bit base moved {drift:.2e}, the adapter {learnt:.2e}"

    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    ids = PROBE
    with torch.no_grad():
        unmerged = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_llama),
                                             str(s.out / "adapter")).eval()(ids).logits
        merged = AutoModelForCausalLM.from_pretrained(s.out).eval()(ids).logits
    assert torch.allclose(unmerged, merged, atol=1e-4)
    assert not torch.allclose(AutoModelForCausalLM.from_pretrained(tiny_llama)(ids).logits, merged, atol=1e-4)


def test_manifest_records_the_run_and_the_guide_resolves(tiny_llama, tmp_path):
    from weights.models import resolve_lm

    s = settings(tiny_llama, tmp_path, max_steps=2, quantize=None)
    run(s)
    manifest = json.loads((s.out / "manifest.json").read_text())
    assert manifest["base_model"]["ref"] == str(tiny_llama)
    assert manifest["data"]["data_hash"] == "test-data-hash"
    assert manifest["settings"]["lora_r"] == 8 and manifest["settings"]["quantize"] is None
    assert manifest["training"]["steps"] == 2 and manifest["training"]["tokens_seen"] > 0
    assert manifest["duration_seconds"] > 0 and manifest["code_version"]
    assert (s.out / "adapter" / "adapter_config.json").is_file()
    assert "LoRA r=8" in (s.out / "README.md").read_text()
    assert resolve_lm(str(s.out)).source == "guide"


def test_interrupted_run_resumes_to_the_same_adapter(tiny_llama, tmp_path):
    from safetensors.torch import load_file

    straight = settings(tiny_llama, tmp_path / "a", quantize=None, lora_dropout=0.0)
    run(straight)
    broken = settings(tiny_llama, tmp_path / "b", quantize=None, lora_dropout=0.0)
    run(broken, callbacks=[StopAt(4)])  # stops right after checkpoint-4
    assert (broken.out / "checkpoints" / "checkpoint-4").is_dir()
    run(broken.model_copy(update={"resume": True}))
    a = load_file(straight.out / "adapter" / "adapter_model.safetensors")
    b = load_file(broken.out / "adapter" / "adapter_model.safetensors")
    assert a.keys() == b.keys()
    worst = max(float((a[k] - b[k]).abs().max()) for k in a)
    assert worst < 1e-5, worst


def test_existing_directory_is_not_overwritten_without_the_flag(tiny_llama, tmp_path):
    s = settings(tiny_llama, tmp_path)
    s.out.mkdir(parents=True)
    (s.out / "keep.txt").write_text("precious")
    with pytest.raises(RunError, match="--overwrite"):
        run(s)
    assert (s.out / "keep.txt").read_text() == "precious"
    with pytest.raises(RunError, match="no checkpoint"):
        run(s.model_copy(update={"resume": True}))


@pytest.mark.parametrize("line, message", [
    ("{not json", "record 2: not JSON"),
    (json.dumps({"messages": [{"role": "user", "content": "hi"}]}), "record 2: the last message"),
    (json.dumps({"messages": "hello"}), "record 2: field 'messages'"),
])
def test_malformed_dataset_names_file_and_record(tiny_llama, tmp_path, line, message):
    s = settings(tiny_llama, tmp_path)
    good = (s.data / "train.jsonl").read_text().splitlines()[0]
    (s.data / "train.jsonl").write_text(good + "\n" + line + "\n")
    with pytest.raises(DatasetError, match=message) as err:
        run(s)
    assert "train.jsonl" in str(err.value)


def test_empty_dataset_and_missing_model_are_clear_errors(tiny_llama, tmp_path, capsys):
    s = settings(tiny_llama, tmp_path)
    (s.data / "train.jsonl").write_text("")
    with pytest.raises(DatasetError, match="no training records"):
        run(s)
    assert main(["--model", "nobody/no-such-model", "--out", str(tmp_path / "x")]) == 2
    assert "default" in capsys.readouterr().err  # the error names the offline alternative


def test_flags_parse_into_settings_and_bad_values_name_the_field():
    s = parse_args(["--quantize", "none", "--lora-targets", "all-linear", "--lora-r", "16", "--overwrite"])
    assert s.quantize is None and s.lora_targets == "all-linear" and s.lora_r == 16 and s.overwrite
    assert parse_args(["--lora-targets", "q_proj, k_proj"]).lora_targets == ["q_proj", "k_proj"]
    from common.settings import SettingsError

    with pytest.raises(SettingsError, match="quantize"):
        parse_args(["--quantize", "int3"])
    with pytest.raises(SettingsError, match="lora_r"):
        parse_args(["--lora-r", "zero"])
