#!/usr/bin/env bash
# Runs the PyTorch reference's own checks (the key/shape table, the on-line synthesiser, train.py's run
# surgery and checkpointing) with Debian's PyTorch; `.ci/run` calls it after `mvn -B verify`. About 20 s.
# Skips, saying why, where /usr/bin/python3 has no torch (the Java tests never need it: fixtures are committed).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
py=/usr/bin/python3
if ! "$py" -c "import torch" 2>/dev/null; then
  echo "run_checks.sh: SKIPPED: $py cannot import torch (install Debian's python3-torch to run these checks)"
  exit 0
fi
failed=()
for t in test_reference_keys.py test_stripformer_reference.py test_torch_synth.py test_train.py; do
  echo "== $t"
  if ! "$py" "$here/$t"; then
    failed+=("$t")
  fi
done
if ((${#failed[@]})); then
  echo "run_checks.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "run_checks.sh: all reference checks passed"
