"""The model runtime, below the guide server and the training and evaluation commands that both use
it: the generation engines (transformers in `runtime.engine`, llama.cpp, an OpenAI-compatible
server), the one decoding core they share, prompt-prefix reuse, the child-process trial of
llama.cpp (`runtime.probe`), the choice of engine (`runtime.engines`) and the fair queue in front
of one engine (`runtime.scheduler`). It reads model files, never the catalogue, the answer's
decisions or sockets."""
