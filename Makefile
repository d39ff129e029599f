# The README's two commands are `make run` and `make test`.
.PHONY: run test lint lock eval bench screenshots

run:            ## install what is missing, train if needed, migrate, seed, start everything
	scripts/run.sh

test:           ## install what is missing and run the whole test suite
	scripts/test.sh

eval:           ## start the product and print its quality: scenarios, shared eval, held-out KB and NLU sets
	scripts/eval.sh

bench:          ## start the product and print its figures (also written to README "## Figures")
	scripts/bench.sh

screenshots:    ## regenerate docs/screenshots/ (console at 1440×900, /chat at 390×844; system Chromium)
	.venv/bin/python -m pytest tests/browser/screenshots.py -q

lint:
	.venv/bin/ruff check api policy_kb tests scripts bench devtools && .venv/bin/mypy

# Both locks with hashes, by uv (in dev.lock). Versions already pinned are kept; to move one, add
# --upgrade-package NAME. dev.in is constrained by runtime.lock, so shared packages agree.
LOCK = .venv/bin/uv pip compile --universal --python-version 3.11 --generate-hashes --no-header --annotation-style line --quiet

lock:           ## re-pin requirements/runtime.lock and dev.lock after editing runtime.in or dev.in
	$(LOCK) requirements/runtime.in -o requirements/runtime.lock
	$(LOCK) requirements/dev.in -o requirements/dev.lock
