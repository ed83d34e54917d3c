"""The Cypriot heritage catalogue, retrieval over it, and the training data built from it."""
