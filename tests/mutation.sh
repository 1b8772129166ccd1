#!/usr/bin/env bash
# Mutation testing (issue 10): how many deliberate bugs in the security-critical code the
# tests catch. Mutates gateway/auth, resolvers/idempotency.py, web/browsers.py and the
# webhook verifier's signature()/signature_matches(); settings are [tool.mutmut] in
# pyproject.toml. Slow (about 25 minutes on 2 cores), so not part of tests/run.sh.
# Usage: tests/mutation.sh [--max-children N]   (default: one worker per core)
# Starts from a fresh mutants/ each time, prints what was killed per file and the score,
# and exits 1 when the score is under 90%.
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/python -c "import mutmut" 2>/dev/null || .venv/bin/pip install -q 'mutmut>=3.8,<4'

# The verifier's module also holds the webhook envelope; only its two signature functions
# are in scope, chosen by mutant name.
TARGETS=(
  'gateway.auth.*'
  'gateway.resolvers.idempotency.*'
  'gateway.web.browsers.*'
  'gateway.yuno.webhooks.x_signature*'
)

rm -rf mutants && mkdir mutants
echo "mutmut running; progress in mutants/run.log"
# mutmut exits non-zero when a mutant survives; the score below is the verdict.
.venv/bin/mutmut run "$@" "${TARGETS[@]}" >mutants/run.log 2>&1 || true

.venv/bin/python - "${TARGETS[@]}" <<'PY'
import fnmatch
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

targets = sys.argv[1:]
by_file: dict[str, Counter[str]] = {}
left = []
for meta in sorted(Path("mutants").rglob("*.py.meta")):
    source = str(meta.relative_to("mutants"))[: -len(".meta")]
    for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
        if any(fnmatch.fnmatch(name, target) for target in targets):
            # 255 is a worker that raised (mutmut files it as a timeout): not a kill.
            status = "crashed" if code == 255 else status_by_exit_code[code]
            by_file.setdefault(source, Counter())[status] += 1
            if status not in ("killed", "timeout"):
                left.append(f"{status:9} {name}")
if not by_file:
    sys.exit("no mutant was tested: see mutants/run.log")
total = sum(by_file.values(), Counter())
for source, c in [*sorted(by_file.items()), ("all", total)]:
    caught, n = c["killed"] + c["timeout"], c.total()
    print(
        f"{source:34} {caught:4}/{n:<4} killed ({c['timeout']} by timeout), "
        f"{c['survived']} survived, {c['no tests']} untested, {c['crashed']} crashed: "
        f"{100 * caught / n:5.1f}%"
    )
print("not killed (see one with .venv/bin/mutmut show NAME):", *left, sep="\n  ")
score = 100 * (total["killed"] + total["timeout"]) / total.total()
sys.exit(0 if score >= 90 else 1)
PY
