# The Python package (bindings-python/, pyproject.toml, tests/python/), included by the Makefile.
#
# Stamps under target/python/ make reruns fast: the venv is made once, `maturin develop` runs
# only when a Rust or package source changed, and the `pip install .` check only when anything
# that goes into the package changed.

PYTHON ?= python3
VENV ?= .venv
# A venv keeps its programs in Scripts/ on Windows (the release workflow builds wheels there).
VENV_BIN := $(VENV)/$(if $(filter Windows_NT,$(OS)),Scripts,bin)
VPY := $(VENV_BIN)/python
PY_OUT := target/python
PY_REQUIREMENTS := bindings-python/requirements-dev.txt
# The Rust CLI that the cross-language identity tests compare against.
PY_CLI := $(CARGO_TARGET)/debug/smtpcodes
# Everything the native module is built from, and the package's Python files.
PY_RUST_INPUTS := $(shell find core/src core/data core/build.rs core/build core/Cargo.toml \
	bindings-python/src bindings-python/Cargo.toml -type f 2>/dev/null) Cargo.toml Cargo.lock pyproject.toml
PY_PACKAGE_INPUTS := $(shell find bindings-python/python -type f \
	-not -name '*.so' -not -path '*/__pycache__/*' -not -path '*.dist-info/*' -not -name '*.pth' 2>/dev/null)
PY_LINTED := bindings-python/python bindings-python/check_install.py tests/python tests/spark bench/python_bench.py bench/spark_bench.py \
	scripts/check_dist.py scripts/readme_python.py scripts/test_wheel.py
# The benchmark's own venv, with the release wheel installed (not editable), and that wheel.
PY_BENCH_VENV := $(PY_OUT)/bench-venv
PY_WHEELS := $(PY_OUT)/wheels

.PHONY: test-python
test-python: $(PY_OUT)/develop.stamp python-cli ## Python: build into .venv, stubtest, mypy, pytest (vectors, identity with Rust, docs, Django)
	$(VPY) -m mypy.stubtest smtpcodes --allowlist bindings-python/stubtest-allowlist.txt --mypy-config-file pyproject.toml
	$(VPY) -m mypy bindings-python/python bindings-python/check_install.py tests/python
	SMTPCODES_CLI=$(abspath $(PY_CLI)) $(VPY) -m pytest -W error

.PHONY: test-python-install
test-python-install: $(PY_OUT)/install.stamp ## Python: `pip install .` from a clean copy of the checkout into a fresh venv, then import it (make test-dist installs the sdist instead)

.PHONY: lint-python
lint-python: $(VENV)/.deps.stamp ## Python: ruff check and ruff format --check
	$(VENV_BIN)/ruff check $(PY_LINTED)
	$(VENV_BIN)/ruff format --check $(PY_LINTED)

# `make lint` covers the Python code too.
lint: lint-python

.PHONY: bench-python
bench-python: $(PY_OUT)/bench.stamp ## Python: classify against the crossing floor and Perl Sisimai, classify_many, RSS over 10M calls, import time, wheel size
	$(PY_BENCH_VENV)/bin/python bench/python_bench.py --wheel-dir $(PY_WHEELS)

.PHONY: python-develop
python-develop: $(PY_OUT)/develop.stamp ## Python: build the package into .venv (maturin develop), for trying it out

.PHONY: python-cli
python-cli:
	$(CARGO) build --locked --quiet -p smtpcodes-cli

.PHONY: clean-python
clean-python: ## Python: remove .venv and the Python build stamps
	rm -rf $(VENV) $(PY_OUT) bindings-python/python/smtpcodes/*.so

$(VENV)/.deps.stamp: $(PY_REQUIREMENTS)
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r $(PY_REQUIREMENTS)
	touch $@

$(PY_OUT)/develop.stamp: $(VENV)/.deps.stamp $(PY_RUST_INPUTS) $(PY_PACKAGE_INPUTS)
	mkdir -p $(PY_OUT)
	VIRTUAL_ENV=$(abspath $(VENV)) PATH="$(abspath $(VENV))/bin:$$PATH" \
		$(VENV_BIN)/maturin develop --locked --quiet
	touch $@

# A clean checkout is what `git ls-files` lists (tracked, plus new files not ignored), copied
# with their times so that cargo's incremental state in $(PY_OUT)/install-target stays valid.
# pip builds the wheel as a newcomer's would: release profile, isolated build environment.
$(PY_OUT)/install.stamp: $(PY_RUST_INPUTS) $(PY_PACKAGE_INPUTS) README.md NOTICE bindings-python/check_install.py
	rm -rf $(PY_OUT)/checkout $(PY_OUT)/install-venv
	mkdir -p $(PY_OUT)/checkout
	git ls-files -z --cached --others --exclude-standard \
		| tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null \
		| tar -xf - -C $(PY_OUT)/checkout
	$(PYTHON) -m venv $(PY_OUT)/install-venv
	cd $(PY_OUT)/checkout && CARGO_TARGET_DIR=$(abspath $(PY_OUT)/install-target) \
		../install-venv/bin/python -m pip install --quiet --disable-pip-version-check .
	cd $(PY_OUT) && install-venv/bin/python -I -W error $(abspath bindings-python/check_install.py)
	touch $@

# The benchmark measures what `pip install` gives: a release wheel, built by `maturin build`
# in its own target directory (so that it does not rebuild the debug one `maturin develop`
# uses), installed into its own venv. .venv and its editable debug build stay as they are.
$(PY_OUT)/bench.stamp: $(VENV)/.deps.stamp $(PY_RUST_INPUTS) $(PY_PACKAGE_INPUTS) README.md NOTICE
	rm -rf $(PY_WHEELS)
	CARGO_TARGET_DIR=$(abspath $(PY_OUT)/bench-target) $(VENV_BIN)/maturin build --release \
		--locked --quiet --interpreter $(VPY) --out $(PY_WHEELS)
	test -x $(PY_BENCH_VENV)/bin/python || $(PYTHON) -m venv $(PY_BENCH_VENV)
	$(PY_BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-index \
		--force-reinstall $(PY_WHEELS)/*.whl
	touch $@

# -- Spark (smtpcodes.spark) ----------------------------------------------------------------------
# Its own venv, so that .venv stays small; smtpcodes is the package `maturin develop` built into
# bindings-python/python, put on PYTHONPATH. Spark needs a JRE: `make java` installs Debian's
# headless one when `java` is missing (with sudo unless root).
PY_SPARK_VENV := $(PY_OUT)/spark-venv

.PHONY: java
java: ## Spark: a headless JRE from Debian when `java` is missing
	@command -v java >/dev/null || { \
		sudo=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$sudo apt-get update -q && \
		{ $$sudo apt-get install -y --no-install-recommends openjdk-17-jre-headless || \
		  $$sudo apt-get install -y --no-install-recommends default-jre-headless; }; }

$(PY_SPARK_VENV)/.deps.stamp: bindings-python/requirements-spark.txt
	test -x $(PY_SPARK_VENV)/bin/python || $(PYTHON) -m venv $(PY_SPARK_VENV)
	$(PY_SPARK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	touch $@

.PHONY: test-spark
test-spark: $(PY_OUT)/develop.stamp $(PY_SPARK_VENV)/.deps.stamp java ## Spark: classify_column and the job on a local Spark session, 1M generated rows
	PYTHONPATH=$(abspath bindings-python/python) $(PY_SPARK_VENV)/bin/python -m pytest tests/spark

# The Spark benchmark runs the release wheel (as bench-python does), in a venv of its own with
# Spark's requirements, so that the test venv keeps the package `maturin develop` built.
PY_SPARK_BENCH_VENV := $(PY_OUT)/spark-bench-venv
SPARK_BENCH_ROWS ?= 1000000

.PHONY: bench-spark
bench-spark: $(PY_OUT)/bench.stamp java ## Spark: classify_column on a local 2-core session against classify_many, same 1M rows, release wheel
	test -x $(PY_SPARK_BENCH_VENV)/bin/python || $(PYTHON) -m venv $(PY_SPARK_BENCH_VENV)
	$(PY_SPARK_BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r bindings-python/requirements-spark.txt
	$(PY_SPARK_BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		--no-index --force-reinstall --no-deps $(PY_WHEELS)/*.whl
	$(PY_SPARK_BENCH_VENV)/bin/python bench/spark_bench.py $(SPARK_BENCH_ROWS)
