"""Checks a `pip install .` of smtpcodes in a fresh venv (run by `make test-python-install`).

Run with that venv's interpreter, in isolated mode (`python -I`) and outside the checkout, so
that it imports the installed package and nothing else.
"""

import importlib.metadata
import sys
from pathlib import Path

import smtpcodes

package = Path(smtpcodes.__file__).parent
assert "site-packages" in package.parts, f"imported from {package}, not from the install"

c = smtpcodes.classify(550, b"5.1.1 <bob@example.org>: Recipient address rejected: User unknown")
assert (c.reason, c.action, c.suppress, c.retry_after) == ("user_unknown", "bounce", True, None)
assert smtpcodes.explain("421").title == "Service Not Available"
assert smtpcodes.__version__ == importlib.metadata.version("smtpcodes")

bounce = b"From: MAILER-DAEMON@example.net\nSubject: failure notice\n\n<bob@example.org>:\n" + (
    b"Sorry, no mailbox here by that name. (#5.1.1)\n"
)
report = smtpcodes.parse_bounce(bounce)
assert [(r.recipient, r.classification.reason) for r in report.recipients] == [
    ("bob@example.org", "user_unknown")
]
refusal = None
try:
    smtpcodes.parse_bounce(b"")
except smtpcodes.NotABounceError as e:
    refusal = (e.kind, e.what)
assert refusal == ("not_a_bounce", "not_an_email"), refusal
too_large = None
try:
    smtpcodes.parse_bounce(bounce, max_email_bytes=10)
except smtpcodes.TooLargeError as e:
    too_large = (e.kind, e.limit, e.max)
assert too_large == ("too_large", "max_email_bytes", 10), too_large

# The release build contains panics too (a `panic = "abort"` profile would kill the process).
internal = None
try:
    vars(smtpcodes._smtpcodes)["_panic_for_test"]()
except Exception as e:  # what a caller's catch-all sees
    internal = (type(e).__name__, getattr(e, "kind", None))
assert internal == ("InternalError", "internal"), internal

# The type information ships with the package.
for name in ("py.typed", "_smtpcodes.pyi", "_types.py"):
    assert (package / name).is_file(), f"the wheel lacks {name}"

# One abi3 wheel for CPython 3.10+: the extension and the wheel's tag say so.
natives = [p.name for p in package.glob("_smtpcodes*") if p.suffix in (".so", ".pyd")]
assert natives in (["_smtpcodes.abi3.so"], ["_smtpcodes.pyd"]), natives  # .pyd: Windows
wheel = importlib.metadata.distribution("smtpcodes").read_text("WHEEL") or ""
tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
assert tags and all(t.startswith("cp310-abi3-") for t in tags), tags

python = sys.version.split()[0]
print(f"pip install . ok: smtpcodes {smtpcodes.__version__} ({tags[0]}) on Python {python}")
