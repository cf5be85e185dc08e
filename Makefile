# The two commands that matter: `make report` and `make test`. Both bootstrap .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint typecheck pytest bench lab clean git-filters

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	$(MAKE) --no-print-directory git-filters
	touch $(STAMP)

# Strip notebook outputs when they are staged (.gitattributes names the filter). The path is
# relative to the work tree, so every checkout or worktree uses its own .venv; outside git
# there is nothing to configure.
git-filters:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '.venv/bin/nbstripout'; \
	  git config filter.nbstripout.smudge cat; \
	  git config diff.ipynb.textconv '.venv/bin/nbstripout -t'; \
	fi

# Runs notebooks/04-rollout-report.ipynb on its defaults (the bundled sample data) into
# reports/<date>-<name>/ and prints the path of report.html (reports/index.html lists them all).
report: $(STAMP)
	@$(BIN)/devops-planner report -o reports

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check planner simulations tests benchmarks
	$(BIN)/ruff format --check planner simulations tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# The test suite with coverage, then every notebook executed top to bottom in a real kernel
# (nbval, lax: a cell fails only on an error, outputs are not compared). The notebooks run
# without --cov: nbval's in-kernel coverage setup hangs until its 60 s timeout.
pytest: $(STAMP)
	$(BIN)/pytest --cov --cov-report=term:skip-covered tests
	$(BIN)/pytest --nbval-lax notebooks/

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# JupyterLab on notebooks/. As root it refuses to start without --allow-root:
# `make lab LAB_ARGS=--allow-root` (add `--ip=0.0.0.0 --no-browser` on a remote machine).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ARGS)

clean:
	rm -rf $(VENV) reports .mypy_cache .ruff_cache .pytest_cache
