#!/usr/bin/env bash
# What a UI library would add to the demo's page: a counter button written with Preact and
# signals, and with Lit, each bundled alone (esbuild, minified) and gzipped, beside the demo's
# own main bundle. Needs the npm registry; run from anywhere after `pnpm --filter @micrograd/demo build`.
set -euo pipefail
demo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent preact @preact/signals lit esbuild@0.25 >/dev/null
cat > preact.js <<'JS'
import { render, h } from "preact";
import { signal } from "@preact/signals";
const count = signal(0);
render(h("button", { onClick: () => count.value++ }, count), document.body);
JS
cat > lit.js <<'JS'
import { LitElement, html } from "lit";
class Counter extends LitElement {
  static properties = { n: { type: Number } };
  constructor() { super(); this.n = 0; }
  render() { return html`<button @click=${() => this.n++}>${this.n}</button>`; }
}
customElements.define("x-counter", Counter);
JS
size() { echo "$(wc -c < "$1") bytes minified, $(gzip -9 -c "$1" | wc -c) gzipped"; }
for lib in preact lit; do
  npx esbuild "$lib.js" --bundle --minify --format=esm --outfile="$lib.out.js" --log-level=error
  echo "$lib: $(size "$lib.out.js")"
done
npm ls preact @preact/signals lit --depth=0 | tail -n +2
for f in "$demo"/dist/assets/index-*.js; do echo "the demo's main bundle: $(size "$f")"; done
