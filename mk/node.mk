# Node: the npm package `smtpcodes` (package.json, bindings-node/, tests/node/).
# Included by the root Makefile; `make help` lists the targets marked with `## `.

NPM ?= npm
NODE ?= node
# Not `npm ci`: it can fail on the napi CLI's optional platform packages, which the committed
# lockfile does not list for every platform; `npm install` honours the lockfile all the same.
NPM_INSTALL ?= $(NPM) install --no-audit --no-fund
NODE_STAMP := node_modules/.smtpcodes-installed

$(NODE_STAMP): package.json package-lock.json
	$(NPM_INSTALL)
	@touch $@

.PHONY: node-install
node-install: $(NODE_STAMP) ## Node: install the npm dev dependencies from the lockfile

.PHONY: node-build
node-build: $(NODE_STAMP) ## Node: build the native addon (release) into bindings-node/native
	$(NPM) run --silent build

.PHONY: test-node
test-node: $(NODE_STAMP) ## Node: npm install, build the addon, run node --test over tests/node
	$(NPM) run --silent build:debug
	$(NODE) --test tests/node/*.test.js tests/node/*.test.mjs

.PHONY: node-generated
node-generated: ## Node: copy the freshly generated addon declarations into bindings-node/native/index.d.ts (commit it)
	cp target/napi/index.d.ts bindings-node/native/index.d.ts

# NODE_BENCH_CALLS: classify() calls of the memory measurement (10 million; about 1-2 minutes on 2 cores).
NODE_BENCH_CALLS ?= 10000000

.PHONY: bench-node
bench-node: node-build ## Node: classify() against the crossing floor, the naive native object and pure JS; RSS over 10M calls; require time; addon size
	CALLS=$(NODE_BENCH_CALLS) $(NODE) --expose-gc bindings-node/bench/crossing.js

.PHONY: sync-version
sync-version: ## Copy the workspace version (Cargo.toml) into package.json and package-lock.json
	$(NODE) scripts/sync-version.js

# The HTML report of `smtpcodes scan`, checked in a real browser.
CHROMIUM ?= /usr/bin/chromium

.PHONY: chromium
chromium: ## The HTML report's test: Debian's headless Chromium when it is missing
	@test -x $(CHROMIUM) || { \
		sudo=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$sudo apt-get update -q && \
		$$sudo apt-get install -y --no-install-recommends chromium; }

.PHONY: test-report
test-report: $(NODE_STAMP) chromium ## The scan's HTML report in headless Chromium: the numbers shown equal the JSON output's
	$(CARGO) build --quiet --release --locked -p smtpcodes-cli
	SMTPCODES=$(abspath $(CARGO_TARGET))/release/smtpcodes CHROMIUM=$(CHROMIUM) $(NODE) --test tests/report/

.PHONY: scan-report-png
scan-report-png: $(NODE_STAMP) chromium ## Write docs/scan-report.png, the screenshot the README shows, from the test's page
	$(CARGO) build --quiet --release --locked -p smtpcodes-cli
	SCREENSHOT=$(abspath docs/scan-report.png) SMTPCODES=$(abspath $(CARGO_TARGET))/release/smtpcodes CHROMIUM=$(CHROMIUM) $(NODE) --test tests/report/
