"""The only code that touches bitsandbytes and peft: quantised loading, adapters, merging."""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


def compute_dtype():
    """bf16 on a GPU that has it, fp16 on other GPUs, fp32 on the CPU."""
    import torch

    if torch.cuda.is_available():
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def device_map() -> dict:
    """Each process of `accelerate launch` keeps its whole copy on its own GPU."""
    import torch

    if not torch.cuda.is_available():
        return {"": "cpu"}
    from accelerate import PartialState

    return {"": PartialState().local_process_index}


def quantization_config(quantize: str | None):
    if quantize is None:
        return None
    from transformers import BitsAndBytesConfig

    if quantize == "nf4":
        return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                  bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=compute_dtype())
    if quantize == "int8":
        return BitsAndBytesConfig(load_in_8bit=True)
    raise ValueError(f"field 'quantize': expected nf4, int8 or none, got {quantize!r}")


def load_base(path: Path, quantize: str | None, gradient_checkpointing: bool):
    """The frozen base model, quantised if asked and ready for k-bit training."""
    from transformers import AutoModelForCausalLM

    config = quantization_config(quantize)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=compute_dtype(), quantization_config=config,
                                                 device_map=device_map())
    if config is not None:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=gradient_checkpointing)
    elif gradient_checkpointing:
        model.gradient_checkpointing_enable()
        model.enable_input_require_grads()
    model.config.use_cache = False
    return model


def add_lora(model, r: int, alpha: int, dropout: float, targets):
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, bias="none",
                        target_modules=targets, task_type="CAUSAL_LM")
    return get_peft_model(model, config)


def trainable_parameters(model) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())


def merged(base_path: Path, adapter_dir: Path):
    """The adapter merged into a full-precision copy of the base (fp32 on the CPU, bf16/fp16 on a
    GPU), never into quantised weights, which would lose the adapter's small updates."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(base_path, dtype=compute_dtype())
    return PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
