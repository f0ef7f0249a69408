"""Runs the Django app that a document's `# django: <path>` blocks make up.

    python django_harness.py DOC.md WORKDIR [--min-tests N]

Writes each block to WORKDIR/<path> (with the packages' `__init__.py`), configures Django with
the app(s) and SQLite, imports every module, runs Django's system checks, then the app's tests
with Django's test runner and its test client. Exits non-zero when anything fails, or when fewer
than N tests ran. Run in a process of its own: Django is configured once per process.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from docs import python_blocks


def write_project(doc: Path, root: Path) -> list[str]:
    """Writes the document's Django blocks under `root`; returns their module names."""
    modules = []
    for block in python_blocks(doc):
        if block.django_path is None:
            continue
        path = root / block.django_path
        if path.suffix != ".py" or ".." in path.parts:
            raise SystemExit(f"{block.id}: a Django block's path must be a .py file in the app")
        path.parent.mkdir(parents=True, exist_ok=True)
        for package in path.relative_to(root).parents:
            if package != Path("."):
                (root / package / "__init__.py").touch()
        path.write_text(block.code, encoding="utf-8")
        modules.append(".".join(path.relative_to(root).with_suffix("").parts))
    return modules


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("doc", type=Path)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--min-tests", type=int, default=0)
    args = parser.parse_args()

    modules = write_project(args.doc, args.workdir)
    if not modules:
        print(f"{args.doc}: no `# django:` blocks")
        return 1
    apps = sorted({m.split(".")[0] for m in modules})
    # A document whose app receives django-anymail's signals gets anymail installed, with a
    # webhook secret its tests post with (basic auth `smtpcodes:test`).
    uses_anymail = any("anymail" in b.code for b in python_blocks(args.doc) if b.django_path)
    if uses_anymail:
        apps.append("anymail")
    urls = next((m for m in modules if m.endswith(".urls")), None)
    sys.path.insert(0, str(args.workdir))

    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import get_runner

    settings.configure(
        DEBUG=False,
        SECRET_KEY="test only",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=apps,
        ROOT_URLCONF=urls,
        MIDDLEWARE=[],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
        ANYMAIL={"WEBHOOK_SECRET": "smtpcodes:test"},
    )
    django.setup()
    for module in modules:
        importlib.import_module(module)
    call_command("check", fail_level="WARNING")

    runner = get_runner(settings)(verbosity=1, interactive=False)
    runner.setup_test_environment()
    suite = runner.build_suite(apps)
    databases = runner.setup_databases()
    try:
        result = runner.run_suite(suite)
    finally:
        runner.teardown_databases(databases)
        runner.teardown_test_environment()
    print(
        f"django_harness: {result.testsRun} tests ran, {len(result.failures)} failed, "
        f"{len(result.errors)} errors"
    )
    if not result.wasSuccessful():
        return 1
    if result.testsRun < args.min_tests:
        print(f"django_harness: expected at least {args.min_tests} tests")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
