# The README's two commands are `make run` and `make test`.
.PHONY: run test lint lock eval bench

run:            ## install what is missing, train if needed, migrate, seed, start everything
	scripts/run.sh

test:           ## install what is missing and run the whole test suite
	scripts/test.sh

eval:           ## start the product and print its quality: scenarios, shared eval, held-out KB and NLU sets
	scripts/eval.sh

bench:          ## start the product and print its figures (also written to README "## Figures")
	scripts/bench.sh

lint:
	.venv/bin/ruff check api policy_kb tests scripts bench && .venv/bin/mypy

lock:           ## re-pin the service environment after editing requirements/api.in
	.venv/bin/pip install -q -r requirements/api.in && .venv/bin/pip freeze --exclude-editable > requirements/api.lock
