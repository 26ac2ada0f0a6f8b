# Two entry points, as the README says: `make demo` and `make test`.
# Both create .venv with the project installed (editable) and its test extras.
# The set-up is silent unless it fails (pip -qq still prints errors), so what
# follows it, the reader or the test report, is all that is shown.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/pip --disable-pip-version-check -qq

.PHONY: demo test bench docs compile clean

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (once, and again when pyproject.toml changes)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e '.[test]'
	@touch $(STAMP)

# Bytecode is compiled ahead (fast when up to date): where PYTHONDONTWRITEBYTECODE is set,
# an editable install would otherwise compile every module again on each launch.
compile: $(STAMP)
	@$(BIN)/python -m compileall -q annotations reader > /dev/null

demo: compile
	@$(BIN)/margin demo

# Two processes side by side (pytest-xdist): the Pilot tests mostly wait for the app to go idle.
test: $(STAMP)
	@$(BIN)/python -m pytest -q -n 2

bench: compile
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/tui.py

docs: $(STAMP)
	$(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) build *.egg-info site
