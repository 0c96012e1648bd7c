#!/usr/bin/env bash
# The checks of the CUDA target on a lent GPU machine, in one run from the repository root.
#
# That machine's image has nvcc, torch and numpy but neither xdsl nor ziggurat's other
# dependencies, and no package index: bench/cuda_wheels.sh downloads the wheels here into
# .whl/, which travels with the working tree. Steps, each timed and limited, each one's
# output in $OUT/<step>.log; a failing step is reported and the next one runs:
#
#   install    the wheels into /tmp/site (numpy from .whl/extra/ only if the image lacks it),
#              and ziggurat's entry points, which a plain PYTHONPATH does not provide
#   gpu        nvidia-smi, nvcc and torch versions
#   pytest     the CUDA tests with ZIGGURAT_REQUIRE_GPU=1, so those needing a GPU fail
#              rather than skip
#   example-*  every examples/models/*.mlir through `ziggurat-run --target cuda --check`
#   bench      bench/cuda_matmul.py, its table in bench.log, its JSON in $OUT/cuda_matmul.json
#
# The limits add up to under 8 minutes; override one with e.g. PYTEST_LIMIT=300.
# Exit status: 0 when every step passed, 1 otherwise.
#
#     bash bench/cuda_device_check.sh     # on the GPU machine, $OUT set by it
# The functions below run through `bash -c` in step(), which shellcheck cannot follow.
# shellcheck disable=SC2317
set -u

cd "$(dirname "$0")/.." || exit 1
OUT=${OUT:-/tmp/cuda-device-check}
PYTHON=${PYTHON:-python3}
SITE=${SITE:-/tmp/site}
INSTALL_LIMIT=${INSTALL_LIMIT:-60}
GPU_LIMIT=${GPU_LIMIT:-30}
PYTEST_LIMIT=${PYTEST_LIMIT:-180}
EXAMPLE_LIMIT=${EXAMPLE_LIMIT:-45}
BENCH_LIMIT=${BENCH_LIMIT:-150}
mkdir -p "$OUT"
export PYTHON SITE OUT
# examples/plugin: test_plugin.py imports it, and pytest collects every module before -k.
export PYTHONPATH="$SITE:$PWD:$PWD/examples/plugin"
export PYTHONDONTWRITEBYTECODE=1 PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

STEPS=()
FAILED=0

# step NAME LIMIT_S COMMAND: run COMMAND (a bash string) under a time limit, log and time it.
step() {
  local name=$1 limit=$2 command=$3 start rc
  start=$(date +%s.%N)
  echo "=== $name (limit ${limit}s): $command"
  timeout --kill-after=10 "$limit" bash -c "$command" 2>&1 | tee "$OUT/$name.log"
  rc=${PIPESTATUS[0]}
  local took
  took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  local verdict=ok
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    verdict="TIMED OUT"
  elif [ "$rc" -ne 0 ]; then
    verdict="FAILED"
  fi
  [ "$verdict" = ok ] || FAILED=1
  echo "=== $name: $verdict (exit $rc, ${took}s)"
  STEPS+=("$(printf '%-28s %-10s exit %-4s %8ss' "$name" "$verdict" "$rc" "$took")")
}

install_wheels() {
  set -u
  local pip=("$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir
    --upgrade --target "$SITE")
  "$PYTHON" --version
  ls .whl/*.whl >/dev/null || { echo "no wheels in .whl/ (run bench/cuda_wheels.sh)"; return 1; }
  if ! "${pip[@]}" .whl/*.whl; then
    # One wheel for another Python must not keep the others out: install them one by one.
    echo "installing the wheels together failed; one at a time:"
    local wheel bad=0
    for wheel in .whl/*.whl; do
      "${pip[@]}" "$wheel" || { echo "  could not install $wheel"; bad=1; }
    done
    [ "$bad" -eq 0 ] || return 1
  fi
  if ! "$PYTHON" -c "import numpy" 2>/dev/null; then
    echo "the image has no numpy: installing .whl/extra/"
    "${pip[@]}" .whl/extra/*.whl || return 1
  fi
  # ziggurat is imported from the working tree; its entry points (the xdsl universe the
  # registry loads) need a dist-info, made here from pyproject.toml.
  "$PYTHON" - <<'EOF' || return 1
import os, tomllib
from pathlib import Path

project = tomllib.loads(Path("pyproject.toml").read_text())["project"]
info = Path(os.environ["SITE"]) / f"ziggurat-{project['version']}.dist-info"
info.mkdir(parents=True, exist_ok=True)
(info / "METADATA").write_text(
    f"Metadata-Version: 2.1\nName: ziggurat\nVersion: {project['version']}\n"
)
groups = {"console_scripts": project.get("scripts", {}), **project.get("entry-points", {})}
(info / "entry_points.txt").write_text(
    "".join(
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in entries.items()) + "\n"
        for group, entries in groups.items()
    )
)
EOF
  "$PYTHON" - <<'EOF'
import ml_dtypes, numpy, xdsl
from ziggurat.universe import load_registry

registry = load_registry()
assert "cuda-pipeline" in registry.passes, "ziggurat's passes are not registered"
print(f"numpy {numpy.__version__}, ml_dtypes {ml_dtypes.__version__}, xdsl {xdsl.__version__};"
      f" {len(registry.dialects)} dialects, {len(registry.passes)} passes")
EOF
}
export -f install_wheels

gpu_info() {
  nvidia-smi
  echo "nvcc: $(command -v nvcc || echo 'not on PATH')"
  "$PYTHON" - <<'EOF'
from ziggurat.targets.cuda import toolchain

print("ziggurat finds nvcc at", toolchain.find_tool("nvcc"), "; GPU 0:", toolchain.gpu_arch(),
      toolchain.no_gpu_reason() or "")
try:
    import torch
    print("torch", torch.__version__, "CUDA", torch.version.cuda,
          torch.cuda.get_device_name(0) if torch.cuda.is_available() else "(no GPU)")
except ImportError:
    print("torch is not installed")
EOF
  local nvcc
  nvcc=$("$PYTHON" -c \
    "from ziggurat.targets.cuda import toolchain; print(toolchain.find_tool('nvcc') or '')")
  [ -n "$nvcc" ] && "$nvcc" --version
}
export -f gpu_info

echo "cuda_device_check: $(date -u +%FT%TZ), $(hostname), output in $OUT"
step install "$INSTALL_LIMIT" install_wheels
step gpu "$GPU_LIMIT" gpu_info
step pytest "$PYTEST_LIMIT" \
  "ZIGGURAT_REQUIRE_GPU=1 \"\$PYTHON\" -m pytest -q -rs -p no:cacheprovider tests/unit -k cuda \
   --junitxml=\"\$OUT/pytest.xml\""
for model in examples/models/*.mlir; do
  name=$(basename "$model" .mlir)
  step "example-$name" "$EXAMPLE_LIMIT" \
    "\"\$PYTHON\" -m ziggurat.tools.run '$model' --target cuda --check --repeat 3"
done
step bench "$BENCH_LIMIT" "\"\$PYTHON\" bench/cuda_matmul.py --json \"\$OUT/cuda_matmul.json\""

{
  echo "cuda_device_check summary ($(date -u +%FT%TZ)):"
  printf '  %s\n' "${STEPS[@]}"
} | tee "$OUT/summary.txt"
exit "$FAILED"
