#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need when it is missing — PostgreSQL's server binaries,
# Chromium and a TrueType font through apt, the Node test tools through npm — so it works on a fresh machine, as root, with no standard
# input.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The PDF briefs need a TrueType font (the run tests check the PDF).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} through apt"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

# ajv (JSON Schema validation of cards and manifests), pinned by tests/tools/package-lock.json.
if [ ! -d tests/tools/node_modules/ajv ]; then
  npm ci --prefix tests/tools --no-audit --no-fund --loglevel=error </dev/null
fi

# The PostgreSQL tests start their own cluster on a free loopback port; the browser tests drive /usr/bin/chromium.
# Here anything missing fails the run instead of showing those tests as skipped.
export MISSIONS_REQUIRE_POSTGRES=1 MISSIONS_REQUIRE_TOOLS=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# The whole solution first (the benchmarks too, which no test builds), then every test project.
{ dotnet build Missions.sln -c Release 2>&1 </dev/null && dotnet test Missions.sln -c Release --no-build 2>&1 </dev/null; } | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line for whoever reads the end of the log: the totals over every test assembly.
awk '/(Passed|Failed)!  - Failed:/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1)
       }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log" | tr -d ','  | sed 's/ passed / passed, /; s/ failed / failed, /'
exit "$status"
