"""Every ```python block of README.md and docs/python.md runs: the plain ones here, in order,
each document's blocks sharing one namespace as a reader would run them; the `# django:` ones
as a Django app under Django's test runner (tests/python/django_harness.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO

from docs import Block, python_blocks

DOCS = [REPO / "README.md", REPO / "docs" / "python.md"]
PLAIN = [b for doc in DOCS for b in python_blocks(doc) if b.django_path is None]
DJANGO_DOCS = [doc for doc in DOCS if any(b.django_path for b in python_blocks(doc))]
HARNESS = Path(__file__).with_name("django_harness.py")


def test_every_document_has_python_examples() -> None:
    for doc in DOCS:
        assert any(b.doc == doc for b in PLAIN), f"{doc.name} has no runnable python block"
    assert REPO / "docs" / "python.md" in DJANGO_DOCS, "docs/python.md lost its Django example"


@pytest.mark.parametrize("block", PLAIN, ids=[b.id for b in PLAIN])
def test_python_block_runs(block: Block) -> None:
    namespace: dict[str, object] = {"__name__": f"doc_{block.doc.stem}"}
    for earlier in PLAIN:
        if earlier.doc == block.doc and earlier.line < block.line:
            exec(compile(earlier.code, earlier.id, "exec"), namespace)
    exec(compile(block.code, block.id, "exec"), namespace)


@pytest.mark.parametrize("doc", DJANGO_DOCS, ids=[d.name for d in DJANGO_DOCS])
def test_django_example_runs_with_the_test_client(doc: Path, tmp_path: Path) -> None:
    min_tests = 5 if doc.name == "python.md" else 0
    proc = subprocess.run(
        [sys.executable, "-W", "error", str(HARNESS), str(doc), str(tmp_path),
         "--min-tests", str(min_tests)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "tests ran, 0 failed, 0 errors" in proc.stdout
