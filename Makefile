# smtpcodes: one entry point for building, testing and measuring all three languages.
# `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
CORPUS ?= ../shared/corpus/sisimai-dev.jsonl

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

.PHONY: example
example: ## The main job on the bundled sample: scan examples/ (bounce emails, an mbox, a mail log)
	$(CARGO) run --quiet --release --locked -p smtpcodes-cli -- scan examples/

.PHONY: test
test: test-rust test-python test-node ## Build all three languages and run every test

.PHONY: test-rust
test-rust: ## Rust: unit, vector, property and doc tests, and the CLI
	$(CARGO) test --workspace --locked

.PHONY: lint
lint: ## Formatting and lints (cargo fmt, clippy -D warnings)
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

.PHONY: agreement
agreement: ## Agreement with the Sisimai-labelled corpus: its replies, and its bounce emails (CORPUS=path)
	$(CARGO) run --quiet --release --locked -p smtpcodes-cli -- measure $(CORPUS)
	$(CARGO) run --quiet --release --locked -p smtpcodes-cli -- measure $(CORPUS) --emails $(dir $(CORPUS))emails

# The Python and Node packages keep their targets beside each other here.
include mk/python.mk mk/node.mk
