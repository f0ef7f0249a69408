# smtpcodes: one entry point for building, testing and measuring all three languages.
# `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
# The Sisimai-labelled corpus (sisimai-dev.jsonl, with its emails/ folder beside it) is not part
# of this repository: give its path as CORPUS=path/to/sisimai-dev.jsonl. Without it, the targets
# that read it skip that part and say so, and the CLI tests that use it skip (they read it from
# SMTPCODES_CORPUS, which `make test-rust` sets from CORPUS).
CORPUS ?=
# Where cargo builds: CARGO_TARGET_DIR when it is set, as cargo reads it.
CARGO_TARGET := $(or $(CARGO_TARGET_DIR),target)

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

.PHONY: example
example: ## The main job on the bundled sample: scan examples/ (bounce emails, an mbox, a mail log)
	$(CARGO) run --quiet --release --locked -p smtpcodes-cli -- scan examples/

.PHONY: test
test: test-rust test-python test-node test-report test-dist test-spark ## Build all three languages, run every test (the HTML report in Chromium and Spark too), and install the release artifacts as users would (test-dist)

.PHONY: test-rust
test-rust: ## Rust: unit, vector, property and doc tests, and the CLI (CORPUS=path adds the labelled corpus's)
	SMTPCODES_CORPUS="$(CORPUS)" $(CARGO) test --workspace --locked
	@[ -n "$(CORPUS)" ] || echo "note: the two labelled-corpus tests of cli/tests/cli.rs were skipped (give CORPUS=path/to/sisimai-dev.jsonl to run them)"

.PHONY: lint
lint: ## Formatting and lints (cargo fmt, clippy -D warnings), docs/codes and the generated contract types fresh, no import cycle in the core
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) run --quiet --locked -p smtpcodes --example reference_docs -- --check docs/codes
	$(CARGO) run --quiet --locked -p smtpcodes --example contract -- --check
	python3 scripts/structure.py

.PHONY: contract
contract: ## Write the Python and TypeScript types of the contract's value sets from the core (_contract.py, contract.d.ts)
	$(CARGO) run --quiet --locked -p smtpcodes --example contract

.PHONY: docs-codes
docs-codes: ## Write the code reference in docs/codes/ from core/data (one page per code and per confused pair)
	$(CARGO) run --quiet --locked -p smtpcodes --example reference_docs -- docs/codes

.PHONY: bench
bench: bench-rust bench-bounces bench-scan bench-python bench-node bench-spark ## Every benchmark, each against its baselines in the same run

.PHONY: bench-rust
bench-rust: ## Rust core: replies/s and ns by text length (criterion), instructions and allocations per reply, each beside a baseline
	$(CARGO) bench --locked -p smtpcodes --bench classify -- --warm-up-time 2 --measurement-time 5
	python3 bench/criterion_report.py
	python3 bench/instructions.py
	$(CARGO) run --quiet --release --locked -p smtpcodes --example allocations

.PHONY: bench-bounces
bench-bounces: ## Bounce emails against Perl Sisimai (CORPUS=path: the labelled corpus's emails), and log scanning MB/s and memory
	$(CARGO) build --quiet --release --locked -p smtpcodes-cli
	python3 bench/run_bounces.py $(if $(CORPUS),--emails $(dir $(CORPUS))emails)

.PHONY: bench-scan
bench-scan: ## smtpcodes scan on 1 and 2 threads, per line and per message (MB/s of a 100 MB log, plain and gzip, beside zcat | wc -l; peak memory)
	$(CARGO) build --quiet --release --locked -p smtpcodes-cli
	python3 bench/scan_bench.py

FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= classify parse_bounce log_line scan_readers
.PHONY: fuzz
fuzz: ## Run each cargo-fuzz target for FUZZ_SECONDS, 5 s per input at most (needs cargo-fuzz; RUSTC_BOOTSTRAP for sanitizers)
	command -v cargo-fuzz >/dev/null || $(CARGO) install --locked cargo-fuzz
	python3 fuzz/make_seeds.py fuzz/generated
	for target in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus/$$target && cp -n fuzz/seeds/$$target/* fuzz/corpus/$$target/ 2>/dev/null; \
		cp -n fuzz/generated/$$target/* fuzz/corpus/$$target/ 2>/dev/null; \
		(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $$target corpus/$$target -- \
			-max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=4096 -max_len=400000 \
			-dict=dict/bounce.dict -print_final_stats=1) || exit 1; \
	done

.PHONY: fuzz-python
fuzz-python: python-develop ## Fuzz the Python entry points' argument handling with atheris for FUZZ_SECONDS
	$(VPY) -m pip install --quiet --disable-pip-version-check atheris
	$(VPY) fuzz/python/fuzz_arguments.py -max_total_time=$(FUZZ_SECONDS) -timeout=5 -print_final_stats=1

.PHONY: agreement
agreement: ## Agreement with the labelled corpora: tests/corpus per source (open and blind halves), and the Sisimai-labelled replies and emails (CORPUS=path)
	$(CARGO) run --quiet --release --locked -p smtpcodes --example agreement -- tests/corpus
	@if [ -z "$(CORPUS)" ]; then echo "skipped: the Sisimai-labelled corpus (give CORPUS=path/to/sisimai-dev.jsonl)"; else \
		$(CARGO) run --quiet --release --locked -p smtpcodes-cli -- measure $(CORPUS) && \
		$(CARGO) run --quiet --release --locked -p smtpcodes-cli -- measure $(CORPUS) --emails $(dir $(CORPUS))emails; fi

# The Python and Node packages keep their targets beside each other here.
include mk/python.mk mk/node.mk mk/dist.mk
