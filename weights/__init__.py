"""Model weights: references resolved to files on disk, the embedded model converted once, the
shipped guide merged onto it, GGUF export. The answer engines and training both stand on it."""
