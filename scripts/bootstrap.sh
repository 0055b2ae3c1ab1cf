# Sourced by run.sh and test.sh: make sure .venv exists and holds this checkout's dependencies.
# Re-installs only when pyproject.toml changed since the last install (a stamp file remembers).
set -euo pipefail

python_bin=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    python_bin=$(command -v "$candidate")
    break
  fi
done
if [ -z "$python_bin" ]; then
  echo "sidedeal needs Python 3.11 or newer on PATH" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "creating .venv with $python_bin" >&2
  "$python_bin" -m venv .venv
fi

stamp=.venv/.sidedeal-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing sidedeal and its dependencies into .venv" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet -e '.[dev]' >&2
  echo "$want" > "$stamp"
fi
