# Every target does its own set-up (scripts/setup.sh is idempotent and skips pip when nothing changed).
PY := .venv/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error
export TOKENIZERS_PARALLELISM := false

.PHONY: setup run demo test test-fast bench bench-train train schema soak rate improve

setup:
	@bash scripts/setup.sh
	@$(PY) -m weights >/dev/null
	@$(PY) -m answering fit >/dev/null

run: setup  ## start the guide service on the embedded model and answer a first question
	@bash scripts/run.sh

demo: setup  ## the same, but stop after the first answer
	@DEMO_ONLY=1 bash scripts/run.sh

test: setup  ## the whole test suite
	@bash scripts/setup-browser.sh
	@$(PY) -m pytest -q

test-fast: setup
	@$(PY) -m pytest -q -m "not embedded and not slow"

bench: setup  ## retrieval and serving benchmarks, and the served guide's accuracy; prints numbers
	@$(PY) -m knowledge bench
	@$(PY) -m tools.bench --versus transformers
	@$(PY) -m training.evaluate --model retriever --model default --limit 30 --red-team-limit 12

bench-train: setup  ## training tokens/s and peak memory for nf4, int8 and none
	@$(PY) -m training.bench

train: setup  ## fine-tune the default guide (QLoRA, NF4, CPU); ARGS=--overwrite to redo it
	@$(PY) -m training --out artifacts/guide-smollm2 $(ARGS)

schema: setup
	@$(PY) -m guide schema

soak: setup  ## a real server under well-behaved visitors and scheduled abuse for 5 minutes; prints one table
	@$(PY) -m tools.soak

rate: setup  ## a rating session: ANSWERS served answers rated over the websocket by the automatic scorer, into DB
	@$(PY) -m tools.rate_session --serve --db $(or $(DB),var/guide.sqlite3) --answers $(or $(ANSWERS),300)

improve: setup  ## one preference round on DB's ratings and rejections: DPO, A/B, promotion; ARGS=--dry-run to stop before it
	@$(PY) -m training.improve --db $(or $(DB),var/guide.sqlite3) $(ARGS)
