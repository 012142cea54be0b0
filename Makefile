# The two commands of README.md: `make run` and `make test`.
PY := .venv/bin/python
PORT ?= 8501

.PHONY: run serve test setup lint format data bench

setup:
	bash scripts/setup.sh

run: setup
	$(PY) -m mapping init
	$(PY) -m mapping.launch --server.port $(PORT) --server.headless true

test: setup
	bash scripts/install-test-system.sh
	bash scripts/test-js.sh
	bash scripts/test-db.sh
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

data: setup
	$(PY) -m mapping data build

# Benchmarks print ratios against a baseline measured in the same run (not part of `make test`).
bench: setup
	PYTHONPATH=. $(PY) bench/map_render.py
	PYTHONPATH=. $(PY) bench/national_indicators.py
	PYTHONPATH=. $(PY) bench/import_speed.py
	PYTHONPATH=. $(PY) bench/matching.py
	PYTHONPATH=. $(PY) bench/app_pages.py

# Team mode: the whole team on one map, with login (README: "Tryb zespołowy").
# Listens on every interface at $(PORT); needs an administrator account first.
serve: setup
	$(PY) -m mapping init
	$(PY) -m mapping users check
	MAPA_TEAM=1 $(PY) -m mapping.launch --server.address 0.0.0.0 --server.port $(PORT) --server.headless true \
		--server.enableWebsocketCompression true
