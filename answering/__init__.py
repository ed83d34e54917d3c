"""From a visitor's question to the words they hear, below the guide server and the training and
evaluation commands that both use it: the answer pipeline (`answering.pipeline`), the generation
engines (transformers, llama.cpp, an OpenAI-compatible server), the one decoding core they share,
and the choice of engine (`answering.engines`)."""
