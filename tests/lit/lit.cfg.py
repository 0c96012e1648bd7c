"""lit configuration: FileCheck tests of ziggurat's tools.

The tools and `filecheck` are taken from the Python environment running lit,
so `make test` works from the project's virtual environment. Tests that
cross-check with real MLIR say `REQUIRES: mlir-opt`; they are reported as
UNSUPPORTED, with a note, where mlir-opt is not installed.
"""

import os
import shutil
import sys

import lit.formats

config.name = "ziggurat"  # noqa: F821
config.test_format = lit.formats.ShTest()  # noqa: F821
config.suffixes = [".mlir", ".test"]  # noqa: F821
config.excludes = ["Inputs", "lit.cfg.py"]  # noqa: F821
config.test_source_root = os.path.dirname(__file__)  # noqa: F821

bin_dir = os.path.dirname(sys.executable)
config.environment["PATH"] = os.pathsep.join(  # noqa: F821
    [bin_dir, config.environment.get("PATH", os.environ.get("PATH", ""))]  # noqa: F821
)
# A PYTHONPATH set by the caller (a checkout tested with another environment) reaches the tools.
if "PYTHONPATH" in os.environ:
    config.environment["PYTHONPATH"] = os.environ["PYTHONPATH"]  # noqa: F821
config.substitutions.append(("FileCheck", "filecheck"))  # noqa: F821
config.substitutions.append(("%python", sys.executable))  # noqa: F821
# The example programs, so a test reads them wherever in the tree it lives.
config.substitutions.append(  # noqa: F821
    ("%models", os.path.join(os.path.dirname(__file__), "..", "..", "examples", "models"))
)

mlir_opt = next(
    (
        found
        for name in ("mlir-opt-22", "mlir-opt", "/usr/lib/llvm-22/bin/mlir-opt")
        if (found := shutil.which(name))
    ),
    None,
)
if mlir_opt:
    config.available_features.add("mlir-opt")  # noqa: F821
    config.substitutions.append(("%mlir-opt", mlir_opt))  # noqa: F821
else:
    lit_config.note(  # noqa: F821
        "mlir-opt not found (apt-get install mlir-22-tools): "
        "tests that cross-check with real MLIR are UNSUPPORTED"
    )

# `--target cuda` needs a GPU; without one, its tests check the one-line refusal.
from ziggurat.targets.cuda.toolchain import no_gpu_reason  # noqa: E402

if no_gpu_reason() is None:
    config.available_features.add("cuda-gpu")  # noqa: F821
