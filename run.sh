#!/usr/bin/env bash
# The main job, from a fresh clone: set up .venv, start Neo4j (Docker if an engine answers, else the
# local launcher), generate the demo marketplace, ingest it, run the link analysis, print the
# summaries and the top flags, then serve the investigator API and the explorer until Ctrl-C (or
# SIGTERM), which stops both, and Neo4j too when this run started it (KEEP_NEO4J=1 keeps it).
#   SCALE=1 SEED=7 ./run.sh
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh

scale=${SCALE:-1}
seed=${SEED:-7}
demo=demo-data/scale-${scale}-seed-${seed}
api_port=${SIDEDEAL_API_PORT:-8000}
explorer_port=${SIDEDEAL_DASHBOARD_PORT:-8501}

started_neo4j=0
if ! .venv/bin/sidedeal neo4j status >/dev/null 2>&1; then
  started_neo4j=1
fi
children=()
stop_all() {
  trap - EXIT INT TERM
  for pid in "${children[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${children[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$started_neo4j" = 1 ] && [ -z "${KEEP_NEO4J:-}" ]; then
    .venv/bin/sidedeal neo4j down || true
  fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

.venv/bin/sidedeal neo4j up
.venv/bin/sidedeal db migrate
if [ ! -f "$demo/labels.json" ]; then
  .venv/bin/sidedeal demo generate "$demo" --scale "$scale" --seed "$seed"
fi
.venv/bin/sidedeal ingest "$demo"
.venv/bin/sidedeal analyze
echo "top flags (sidedeal flags export --status open):"
{ .venv/bin/sidedeal flags export --status open 2>/dev/null || true; } | head -n 5

# One investigator key per person (INVESTIGATORS="ana bruno"; default: this user), named after
# them: claims and decisions in the explorer are made as the key, and its sidebar names it. The
# explorer starts with the first one; each person signs in with their own in its sidebar.
key_files=()
for name in ${INVESTIGATORS:-$(id -un)}; do
  if [[ ! "$name" =~ ^[A-Za-z0-9._-]+$ ]]; then
    echo "INVESTIGATORS: '$name' is not a plain name (letters, digits, . _ -)" >&2
    exit 2
  fi
  .venv/bin/sidedeal keys ensure --file ".data/keys/${name}.key" --role investigator --name "$name"
  key_files+=(".data/keys/${name}.key")
done
key_file=${key_files[0]}

.venv/bin/sidedeal serve --port "$api_port" &
children+=("$!")
for _ in $(seq 1 120); do
  if .venv/bin/python -c "import sys, httpx; sys.exit(httpx.get('http://127.0.0.1:${api_port}/ready').status_code != 200)" 2>/dev/null; then
    break
  fi
  kill -0 "${children[0]}" 2>/dev/null || { echo "the API did not start (port ${api_port} in use?)" >&2; exit 1; }
  sleep 0.5
done

SIDEDEAL_DASHBOARD_API_URL="http://127.0.0.1:${api_port}" SIDEDEAL_DASHBOARD_API_KEY_FILE="$key_file" \
  .venv/bin/sidedeal dashboard --port "$explorer_port" &
children+=("$!")

echo
echo "API:      http://127.0.0.1:${api_port}/docs   (investigator keys, one per person: ${key_files[*]}; send one as X-API-Key)"
echo "Explorer: http://127.0.0.1:${explorer_port}/   (signed in as ${key_files[0]##*/}; others sign in with their key file's content under \"Use my own key\"; Ctrl-C stops the API and the explorer)"
# Until either stops (or a signal arrives): then the EXIT trap stops the other.
wait -n "${children[@]}"
