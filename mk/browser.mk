# Headless Chromium, for the test that opens `scan --format html` (tests/node/scan-report.test.js).
# Included by the root Makefile. Installed from Debian's packages; nothing is done when
# /usr/bin/chromium is already there. sudo is used only when not running as root.

CHROMIUM ?= /usr/bin/chromium

.PHONY: chromium
chromium: ## Install headless Chromium from Debian (chromium, chromium-driver) unless /usr/bin/chromium exists
	@if [ -x $(CHROMIUM) ]; then echo "chromium: $(CHROMIUM) is installed"; else \
		sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$sudo apt-get update && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends chromium chromium-driver; \
	fi
