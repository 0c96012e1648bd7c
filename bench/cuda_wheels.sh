#!/usr/bin/env bash
# Download into .whl/ the wheels that bench/cuda_device_check.sh installs on a GPU machine.
#
# That machine has nvcc, torch and numpy but cannot reach a package index, and lacks
# ziggurat's own dependencies; the wheels travel with the working tree (carry .whl).
# Versions are those the project's venv is tested with, except ml-dtypes: 0.5.x accepts
# numpy 1.26 as well as 2.x, so it works with whatever numpy the image's torch was built
# against. numpy itself goes to .whl/extra/ and is installed only where the image has none.
#
#     bash bench/cuda_wheels.sh            # run from the repository root
#     PYVER=3.11 bash bench/cuda_wheels.sh # for an image whose python3 is 3.11
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PYVER=${PYVER:-3.12}
DEST=.whl

PACKAGES=(
  xdsl==0.74.0 immutabledict==4.3.1 ordered-set==4.1.0 typing-extensions==4.16.0
  lark==1.3.1 ml-dtypes==0.5.4
  pytest==9.2.0 iniconfig==2.3.1 packaging==26.4 pluggy==1.7.0 pygments==2.21.0
  hypothesis==6.170.27 sortedcontainers==2.4.0
)
EXTRA=(numpy==2.4.6)

download() {
  local dest=$1
  shift
  "$PYTHON" -m pip download -q --no-deps --only-binary=:all: \
    --python-version "$PYVER" --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --platform any \
    -d "$dest" "$@"
}

mkdir -p "$DEST/extra"
download "$DEST" "${PACKAGES[@]}"
download "$DEST/extra" "${EXTRA[@]}"

for wheel in "$DEST"/*.whl "$DEST"/extra/*.whl; do
  printf '%10d  %s\n' "$(stat -c %s "$wheel")" "$wheel"
done
du -sh "$DEST" | awk '{print "total: " $1}'
