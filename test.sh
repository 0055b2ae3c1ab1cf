#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set up .venv, lint and type-check, then pytest (which
# starts its own Neo4j on port 7688 for the graph tests). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
