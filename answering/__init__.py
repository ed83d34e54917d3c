"""From a visitor's question to the words they hear, below the guide server and the training and
evaluation commands that both use it: the answer pipeline (`answering.pipeline`) and the answer's
decisions (the guard, the checks on the model's sentences, cleaning, the fixed phrases). The
engines that phrase an answer are in `runtime`, beside this package: neither imports the other."""
