#!/usr/bin/env bash
# The console's browser tests against a fresh local stack loaded with demo data:
#   siyu.jar up (own port, in memory) -> siyu.jar demo -> console.e2e.mjs (playwright-core + /usr/bin/chromium).
# Runs in `mvn -B verify` (infra/local's integration-test phase, after siyu.jar is packaged; skip
# with -Dconsole.e2e.skip=true) and alone after `mvn -B -DskipTests package`. Needs Chromium
# (apt-get install chromium) and console/node_modules (`npm ci`, which the admin build runs).
set -euo pipefail
cd "$(dirname "$0")/../.."

# A free port of its own, so a stack someone is running on 3000 is left alone.
export SIYU_HTTP_PORT="${SIYU_E2E_PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"
export SIYU_URL="http://127.0.0.1:${SIYU_HTTP_PORT}"
export SIYU_SCHEDULES=manual   # the demo fires each schedule itself
unset SIYU_CONSOLE_DIR         # the console as the admin function serves it, from its jar

for f in infra/local/target/siyu.jar functions/admin/target/admin.jar; do
  [ -f "$f" ] || { echo "missing $f: run mvn -B -DskipTests package first" >&2; exit 2; }
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "no Chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)" >&2; exit 2; }
[ -d console/node_modules/playwright-core ] || (cd console && npm ci --no-audit --no-fund)

log="$(mktemp -t siyu-e2e-stack.XXXXXX.log)"
java -jar infra/local/target/siyu.jar up > "$log" 2>&1 &
stack=$!
trap 'kill "$stack" 2>/dev/null; wait "$stack" 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  curl -fsS "$SIYU_URL/_local/health" >/dev/null 2>&1 && break
  kill -0 "$stack" 2>/dev/null || { echo "the stack did not start:" >&2; tail -40 "$log" >&2; exit 1; }
  sleep 1
done

echo "== demo data"
java -jar infra/local/target/siyu.jar demo --url "$SIYU_URL" | tail -5
echo "== console in Chromium"
node console/e2e/console.e2e.mjs
