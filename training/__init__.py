"""Offline QLoRA fine-tuning of the guide model, merge, export and evaluation."""
