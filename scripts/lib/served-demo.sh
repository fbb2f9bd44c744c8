# Shared by the checks that run real clients against a running DataBank (scripts/open/*-check.sh,
# scripts/quality/check-datapackage.sh): a Python tool in its own venv, the debug binary, a temporary
# directory that is removed with the server on exit, a free port, and a server waited for.
# Source it after `set -euo pipefail` and after setting ROOT; CHECK names the check in messages.

# These checks hold clients to the interfaces, not to the open API's per-address limits (tests of
# their own cover those): one client here makes thousands of calls from one address.
export DATABANK_ANON_CALLS_PER_MINUTE=${DATABANK_ANON_CALLS_PER_MINUTE:-1000000}
export DATABANK_LOOKUPS_PER_MINUTE=${DATABANK_LOOKUPS_PER_MINUTE:-1000000}

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then export PATH=/opt/swift/usr/bin:$PATH; fi

# venv_tool VENV PACKAGE TOOL: installs PACKAGE (PyPI) into .build/VENV on first use; prints TOOL's path.
venv_tool() {
    local venv=$ROOT/.build/$1
    if [[ ! -x $venv/bin/$3 ]]; then
        echo "$CHECK: installing $2 into $venv (pip)" >&2
        python3 -m venv "$venv" >&2 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv" >&2; }
        "$venv/bin/pip" install --quiet --disable-pip-version-check "$2" >&2
    fi
    echo "$venv/bin/$3"
}

# Builds the debug `databank` (DATABANK_SCRATCH_PATH: another build directory) and sets BIN.
build_databank() {
    local scratch=${DATABANK_SCRATCH_PATH:-$ROOT/.build}
    swift build --scratch-path "$scratch" --product databank
    BIN=$(swift build --scratch-path "$scratch" --show-bin-path)/databank
}

# TMP (removed on exit), LOG (the server's output) and the trap that stops the server. On failure
# the end of the log is shown: its last 30 lines, or with SERVER_LOG_ERRORS=1 its last 40 errors.
TMP=$(mktemp -d)
LOG="$TMP/server.log"
SERVER_PID=""
stop_server_and_clean() {
    local status=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -- "-$SERVER_PID" 2>/dev/null || kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    fi
    if [[ $status -ne 0 ]]; then
        if [[ ${SERVER_LOG_ERRORS:-0} == 1 ]]; then
            echo "---- server log (errors, last 40) ----"; grep -E '\[ (ERROR|CRITICAL) \]' "$LOG" | tail -n 40 || true
        else
            echo "---- server log (last 30 lines) ----"; tail -n 30 "$LOG" 2>/dev/null || true
        fi
    fi
    rm -rf "$TMP"
    exit $status
}
trap stop_server_and_clean EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start_server BASE SECONDS ARGS...: runs `databank ARGS` in its own process group (output to LOG)
# and waits until BASE/healthz answers, at most SECONDS.
start_server() {
    local base=$1 seconds=$2
    shift 2
    setsid "$BIN" "$@" >>"$LOG" 2>&1 &
    SERVER_PID=$!
    local tries=$((seconds * 2))
    for i in $(seq 1 "$tries"); do
        if curl -fsS "$base/healthz" >/dev/null 2>&1; then return 0; fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "$CHECK: the server exited"; exit 1; fi
        sleep 0.5
    done
    echo "$CHECK: the server did not answer /healthz in $seconds s"
    exit 1
}
