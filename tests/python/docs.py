"""Reads the ```python blocks of a Markdown document.

A block whose first line is `# django: <path>` is a file of a Django project (`bounces/views.py`)
rather than code to run as it stands: the plain runner skips it, and django_harness.py writes
the blocks of a document out as a project and runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
DJANGO = re.compile(r"#\s*django:\s*(\S+)\s*$")


@dataclass(frozen=True)
class Block:
    """One ```python block: where it starts, its code, and its Django file path if it has one."""

    doc: Path
    line: int
    code: str
    django_path: str | None

    @property
    def id(self) -> str:
        return f"{self.doc.name}:{self.line}"


def python_blocks(doc: Path) -> list[Block]:
    text = doc.read_text(encoding="utf-8")
    blocks = []
    for m in FENCE.finditer(text):
        code = m.group(1)
        first = code.split("\n", 1)[0]
        django = DJANGO.fullmatch(first.strip())
        line = text.count("\n", 0, m.start(1)) + 1
        if django is None and re.match(r"#\s*django\b", first):
            # Every block runs somewhere: a Django block must say which file of the app it is.
            raise ValueError(f"{doc.name}:{line}: write `# django: app/file.py` as its first line")
        blocks.append(Block(doc, line, code, django.group(1) if django else None))
    return blocks
