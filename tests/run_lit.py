"""Run the lit suite, or the test paths given, ending with `lit: N passed, N failed, N skipped`."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

RESULT = re.compile(r"^(PASS|FAIL|XFAIL|XPASS|UNSUPPORTED|UNRESOLVED|TIMEOUT): ")


def main() -> int:
    suite = Path(__file__).parent / "lit"
    lit = Path(sys.executable).with_name("lit")
    args = sys.argv[1:]
    # Paths given on the command line replace the whole suite; options pass through to lit.
    paths = [a for a in args if Path(a).exists()]
    command = [str(lit), "-v", *([] if paths else [str(suite)]), *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    counts: Counter[str] = Counter()
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        if match := RESULT.match(line):
            counts[match.group(1)] += 1
    status = process.wait()
    passed = counts["PASS"] + counts["XFAIL"]
    failed = counts["FAIL"] + counts["XPASS"] + counts["UNRESOLVED"] + counts["TIMEOUT"]
    skipped = counts["UNSUPPORTED"]
    print(f"lit: {passed} passed, {failed} failed, {skipped} skipped")
    return status or (1 if failed else 0)


if __name__ == "__main__":
    sys.exit(main())
