# budgetqa — `make run` (set up, then the chat on the built-in sample) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export OMP_WAIT_POLICY ?= passive
export HF_HUB_OFFLINE ?= 1

.PHONY: setup run test bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# torch first and pinned: an unpinned torch would pull a multi-GB CUDA build
	$(BIN)/pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/budgetqa serve

test: $(STAMP)
	sh tests/app/web/install_browser.sh || echo "chromium could not be installed: the browser tests will skip"
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m eval.bench

clean:
	rm -rf $(VENV) .budgetqa
