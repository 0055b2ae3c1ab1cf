#!/usr/bin/env bash
# The main job, from a fresh clone: set up .venv, start Neo4j (Docker if an engine answers, else the
# local launcher), generate the demo marketplace, ingest it, run the link analysis, print the
# summaries and the top flags, then serve the investigator API (Ctrl-C stops it).
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
{ .venv/bin/sidedeal flags export --status open 2>/dev/null || true; } | head -n 5

key_file=.data/investigator.key
.venv/bin/sidedeal keys ensure --file "$key_file" --role investigator --name run.sh
port=${SIDEDEAL_API_PORT:-8000}
echo "API: http://127.0.0.1:${port}/docs   (an investigator key is in ${key_file}; send it as X-API-Key)"
exec .venv/bin/sidedeal serve --port "$port"
