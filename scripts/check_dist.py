"""Checks a Python artifact of `make dist` before anything installs it.

    python scripts/check_dist.py sdist dist/smtpcodes-X.tar.gz
    python scripts/check_dist.py wheel dist/smtpcodes-X-cp310-abi3-PLATFORM.whl [--policy P]

Both must carry the licence files and say Python >= 3.10; the wheel must be the one abi3 wheel
for CPython 3.10+, and with --policy (manylinux2014, manylinux_2_17, musllinux_1_2) auditwheel
must find its libraries and symbol versions within that policy.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path
from typing import NoReturn

LICENSES = ("LICENSE-MIT", "LICENSE-APACHE", "NOTICE")
# manylinux2014 is manylinux_2_17 (PEP 600); a wheel within an older policy is within it too.
ALIASES = {"manylinux2014": "manylinux_2_17", "manylinux2010": "manylinux_2_12"}


def fail(message: str) -> NoReturn:
    sys.exit(f"check_dist: {message}")


def check_metadata(where: str, text: str) -> None:
    meta = HeaderParser().parsestr(text)
    if meta["Requires-Python"] != ">=3.10":
        fail(f"{where}: Requires-Python is {meta['Requires-Python']!r}, not '>=3.10'")
    files = meta.get_all("License-File") or []
    for name in LICENSES:
        if name not in files:
            fail(f"{where}: no License-File {name} (has {files})")


def check_sdist(path: Path) -> None:
    with tarfile.open(path) as tar:
        names = set(tar.getnames())
        top = path.name.removesuffix(".tar.gz")
        for name in (
            *LICENSES,
            "PKG-INFO",
            "pyproject.toml",
            "Cargo.toml",
            "Cargo.lock",
            "README.md",
        ):
            if f"{top}/{name}" not in names:
                fail(f"{path.name} lacks {name}")
        member = tar.extractfile(f"{top}/PKG-INFO")
        assert member is not None
        check_metadata(path.name, member.read().decode())
    print(f"{path.name}: {len(names)} files, licences and metadata present")


def policy_within(found: str, wanted: str) -> bool:
    """Whether auditwheel's tag `found` (manylinux_2_5_x86_64) is within policy `wanted`."""
    wanted = ALIASES.get(wanted, wanted)
    w = re.fullmatch(r"(manylinux|musllinux)_(\d+)_(\d+)", wanted)
    f = re.fullmatch(r"(manylinux|musllinux)_(\d+)_(\d+)_\w+", found)
    if not w or not f or w.group(1) != f.group(1):
        return False
    return (int(f.group(2)), int(f.group(3))) <= (int(w.group(2)), int(w.group(3)))


def check_wheel(path: Path, policy: str | None) -> None:
    if not path.is_file():
        fail(f"no wheel at {path}")
    with zipfile.ZipFile(path) as whl:
        names = set(whl.namelist())
        dist_info = next(
            (n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA")), None
        )
        if dist_info is None:
            fail(f"{path.name} has no .dist-info/METADATA")
        for name in LICENSES:
            if f"{dist_info}/licenses/{name}" not in names:
                fail(f"{path.name} lacks {dist_info}/licenses/{name}")
        check_metadata(path.name, whl.read(f"{dist_info}/METADATA").decode())
        wheel = whl.read(f"{dist_info}/WHEEL").decode()
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    if not tags or not all(t.startswith("cp310-abi3-") for t in tags):
        fail(f"{path.name}: tags {tags}, not cp310-abi3 (one wheel for CPython 3.10+)")
    if policy:
        auditwheel = Path(sys.executable).with_name("auditwheel")
        shown = subprocess.run(
            [str(auditwheel), "show", str(path)], capture_output=True, text=True, check=False
        )
        out = " ".join((shown.stdout + shown.stderr).split())
        m = re.search(r'consistent with the following platform tag: "([^"]+)"', out)
        if shown.returncode != 0 or not m:
            fail(f"auditwheel show {path.name} failed:\n{shown.stdout}{shown.stderr}")
        if not policy_within(m.group(1), policy):
            fail(f"{path.name}: auditwheel says {m.group(1)}, not within {policy}:\n{shown.stdout}")
        print(f"{path.name}: auditwheel show: {m.group(1)} (within {policy})")
    print(f"{path.name}: tags {', '.join(tags)}; licences and metadata present")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["sdist", "wheel"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--policy")
    args = parser.parse_args()
    if args.kind == "sdist":
        check_sdist(args.path)
    else:
        check_wheel(args.path, args.policy)


if __name__ == "__main__":
    main()
