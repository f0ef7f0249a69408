"""`make test-wheel`: installs the wheel of dist/ that suits this interpreter's platform into a
fresh venv and runs check_install.py and the README's Python blocks with it, outside the
checkout. The release workflow runs it on each platform it builds a wheel for.

    python scripts/test_wheel.py DIST_DIR VERSION
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    dist, version = Path(sys.argv[1]).resolve(), sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="smtpcodes-test-wheel-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.create(env_dir, with_pip=True)
        bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
        python = str(bindir / "python")
        # --no-index: pip must take a wheel of dist/ (it picks the one tagged for this platform),
        # and --only-binary: never the sdist beside it.
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-index", "--only-binary", ":all:", "--find-links", str(dist),
             f"smtpcodes=={version}"],
            check=True,
        )  # fmt: skip
        for script in (
            ROOT / "bindings-python" / "check_install.py",
            ROOT / "scripts" / "readme_python.py",
        ):
            subprocess.run(
                [python, "-W", "error", str(script), str(ROOT / "README.md")], check=True, cwd=tmp
            )
    print(f"test_wheel: smtpcodes {version} from {dist} works")


if __name__ == "__main__":
    main()
