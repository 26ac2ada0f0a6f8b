# Two entry points, as the README says: `make demo` and `make test`.
# Both create .venv with the project installed (editable) and its test extras.
# The set-up is silent unless it fails (pip -qq still prints errors), so what
# follows it, the reader or the test report, is all that is shown.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/pip --disable-pip-version-check -qq

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (once, and again when pyproject.toml changes)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	@$(BIN)/margin demo

test: $(STAMP)
	@$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/tui.py

clean:
	rm -rf $(VENV) build *.egg-info
