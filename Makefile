# The two commands of the README are `make serve` and `make test`; each runs the set-up it needs.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
WASM := target/wasm32-unknown-unknown/release/mnist_logreg.wasm
PORT ?= 5173
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: setup setup-chromium setup-browser wasm serve build test lint test-native test-wasm test-web test-engines bench data fixtures audit

setup:
	@bash scripts/setup.sh

setup-chromium:
	@bash scripts/setup.sh --chromium

setup-browser:
	@bash scripts/setup.sh --browser

## Compile the core to wasm (+simd128, see .cargo/config.toml), generate the JS glue into www/pkg, and
## optimise the wasm with npm's binaryen (Debian's binaryen 108 corrupts wasm-bindgen's output): 10 % smaller gzipped.
WASM_FEATURES := --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-reference-types --enable-multivalue --enable-mutable-globals
wasm: setup
	cargo build --release --lib --target wasm32-unknown-unknown
	wasm-bindgen --target web --out-dir www/pkg $(WASM)
	./node_modules/.bin/wasm-opt -O3 $(WASM_FEATURES) www/pkg/mnist_logreg_bg.wasm -o www/pkg/mnist_logreg_bg.wasm

## Serve the demo at http://127.0.0.1:$(PORT)/ (Vite dev server).
serve: wasm
	./node_modules/.bin/vite --host 127.0.0.1 --port $(PORT) --strictPort

## The static site in dist/, relocatable to any sub-path; then its link preview picture, taken in Chromium.
## SITE_URL=https://… makes the preview's URLs absolute (the Pages workflow passes the Pages address).
build: setup-chromium wasm
	./node_modules/.bin/vite build --logLevel warn
	node scripts/make_preview.mjs

## Every check and test, from a fresh machine.
test: setup-browser lint test-native test-wasm test-web test-engines

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --test web -- -D warnings

test-native:
	cargo test

## The wasm tests in headless Chromium, then in headless Firefox (wasm-bindgen-test-runner picks the driver it is given).
test-wasm:
	@echo "wasm tests in Chromium"
	cargo test --target wasm32-unknown-unknown --test web
	@echo "wasm tests in Firefox"
	env -u CHROMEDRIVER GECKODRIVER="$$(command -v geckodriver)" cargo test --target wasm32-unknown-unknown --test web

## The JS API from Node, and the built page (dist/, served from a sub-path) in headless Chromium.
test-web: build
	node --test tests/js/ tests/e2e/

## The page's main paths in Firefox and WebKit through WebDriver (ENGINES=firefox or ENGINES=webkit: one alone).
test-engines: build
	node --test tests/engines/

## Regenerate the bundled data set and the test fixtures (needs numpy; the results are committed).
data: setup
	python3 scripts/make_mini_mnist.py

fixtures:
	python3 scripts/make_parity_fixture.py
	python3 scripts/make_loader_fixtures.py

## Every benchmark in one go: wasm in Chromium, the seed's numpy code (float64, float32), TF.js's wasm
## backend, the page's own loop, then the native criterion benchmarks. See BENCHMARKS.md.
bench: setup-browser build
	python3 -c "import numpy" 2>/dev/null || pip install --quiet numpy
	cd bench && { [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; }
	node bench/run.mjs
	cargo bench --bench training -- --noplot 2>/dev/null | grep -E '^training|time:|thrpt:'

## Lighthouse (mobile and desktop) and axe-core on the built page, served from a sub-path with gzip, in Debian's
## Chromium: prints the medians of AUDIT_RUNS (3) runs each and what costs points. Lighthouse is installed here only.
audit: setup-browser build
	cd audit && { [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; }
	node audit/run.mjs
