#!/usr/bin/env bash
# The C execution tests once more, compiled with AddressSanitizer and UBSan.
# Python is not built with the sanitizers, so their runtime is preloaded; where
# the C compiler has no sanitizer runtime the run is skipped, saying why.
set -euo pipefail
cc="${CC:-cc}"
libasan=$("$cc" -print-file-name=libasan.so 2>/dev/null || true)
if [ -z "$libasan" ] || [ ! -e "$libasan" ]; then
  echo "sanitized C tests skipped: $cc has no AddressSanitizer runtime (libasan.so)"
  exit 0
fi
export LD_PRELOAD="$libasan" ASAN_OPTIONS=detect_leaks=0 ZIGGURAT_C_SANITIZE=1
exec "$(dirname "$0")/../.venv/bin/pytest" -q -p no:cacheprovider \
  tests/unit/targets/c/test_c_programs.py tests/unit/targets/c/test_c_arith.py \
  tests/unit/targets/c/test_c_cpu_ops.py "$@"
