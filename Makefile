# Two entry points, as the README says: `make demo` and `make test`.
# Both create .venv with the project installed (editable) and its test extras.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench docs compile clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Bytecode is compiled ahead (fast when up to date): where PYTHONDONTWRITEBYTECODE is set,
# an editable install would otherwise compile every module again on each launch.
compile: $(STAMP)
	@$(BIN)/python -m compileall -q annotations reader > /dev/null

demo: compile
	$(BIN)/margin demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: compile
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/tui.py

docs: $(STAMP)
	$(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) build *.egg-info site
