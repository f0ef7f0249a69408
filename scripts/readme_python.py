"""Runs the README's plain ```python examples against the installed package (make test-dist).

    VENV/bin/python scripts/readme_python.py README.md

Run outside the checkout with a venv's interpreter: the blocks run in order in one namespace, as
a reader would run them, after a check that `smtpcodes` is the one installed in site-packages.
The `# django:` blocks are left to tests/python/django_harness.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "python"))

import smtpcodes
from docs import python_blocks


def main() -> None:
    origin = Path(smtpcodes.__file__).resolve()
    if "site-packages" not in origin.parts:
        sys.exit(f"readme_python: smtpcodes imported from {origin}, not from an install")
    doc = Path(sys.argv[1]).resolve()
    blocks = [b for b in python_blocks(doc) if b.django_path is None]
    if not blocks:
        sys.exit(f"readme_python: {doc.name} has no plain ```python block")
    namespace: dict[str, object] = {"__name__": "readme"}
    for block in blocks:
        exec(compile(block.code, block.id, "exec"), namespace)
    print(f"readme_python: {len(blocks)} blocks of {doc.name} ran against {origin.parent}")


if __name__ == "__main__":
    main()
