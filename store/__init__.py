"""The interaction and rating store, below the guide (which writes it) and the training and review
commands (which read it): SQLite (`store.sqlite`) or PostgreSQL (`store.postgres`)."""
