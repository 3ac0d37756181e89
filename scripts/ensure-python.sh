#!/usr/bin/env bash
# A Python virtualenv at .venv with the PyPI `redis`, `celery` and `rq` packages, for
# the Python contract tests (tests/python/*_contract.py, contract.py). Creates or completes it when missing;
# prints the interpreter's path.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        # Debian splits venv out of python3.
        rm -rf "$venv"
        if command -v apt-get >/dev/null; then
            apt-get install -y -qq python3-venv >/dev/null 2>&1 ||
                { apt-get update -qq >/dev/null && apt-get install -y -qq python3-venv >/dev/null; }
        fi
        python3 -m venv "$venv" >/dev/null
    fi
fi
if ! "$venv/bin/python" -c 'import redis, celery, rq' >/dev/null 2>&1; then
    "$venv/bin/python" -m pip install -q 'redis>=5' 'celery[redis]>=5.3' 'rq>=2' >&2
fi
echo "$PWD/$venv/bin/python"
