#!/usr/bin/env bash
# The main job, from a fresh clone: set up .venv, start Neo4j (Docker if an engine answers, else the
# local launcher), generate the demo marketplace, ingest it, run the link analysis, and print the
# summaries and the top flags.
#   SCALE=1 SEED=7 ./run.sh
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh

scale=${SCALE:-1}
seed=${SEED:-7}
demo=demo-data/scale-${scale}-seed-${seed}

.venv/bin/sidedeal neo4j up
.venv/bin/sidedeal db migrate
if [ ! -f "$demo/labels.json" ]; then
  .venv/bin/sidedeal demo generate "$demo" --scale "$scale" --seed "$seed"
fi
.venv/bin/sidedeal ingest "$demo"
.venv/bin/sidedeal analyze
echo "top flags (sidedeal flags export --status open):"
.venv/bin/sidedeal flags export --status open 2>/dev/null | head -n 5
