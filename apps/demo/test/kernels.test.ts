import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Compiled mode's WebAssembly SIMD kernels in a real browser, on a page and in a worker (where
// the demo trains): the built engine, bundled for the browser, replays a batch of a layer of
// 4×300 weights with the kernels and with its JavaScript kernels, which must agree to the bit.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ORIGIN = "http://micrograd.test";

/** The check, run in the browser: `globalThis.kernelCheck()` gives what it saw. */
const CHECK = `
import { Value, compile, dot, sum } from "@micrograd/engine";
globalThis.kernelCheck = () => {
  const rows = 5, k = 300;
  const data = Float64Array.from({ length: rows * k }, (_, i) => Math.cos(i));
  const run = (simd) => {
    const neurons = Array.from({ length: 4 }, (_, j) => ({ w: Array.from({ length: k }, (_, i) => new Value(Math.sin(7 * j + i))), b: new Value(j / 4) }));
    const graph = compile((x) => sum(neurons.map(({ w, b }) => dot(w, x).add(b).tanh())), new Array(k).fill(0), { simd });
    graph.runBatch(data, rows).backwardBatch();
    const results = [...Array.from({ length: rows }, (_, r) => graph.outputAt(0, r)), ...neurons.flatMap(({ w, b }) => [...w, b].map((p) => p.grad))];
    return { simd: graph.simd, results };
  };
  const kernels = run(true);
  const javascript = run(false);
  return { simd: kernels.simd, javascriptSimd: javascript.simd, same: kernels.results.every((x, i) => Object.is(x, javascript.results[i])), count: kernels.results.length };
};
`;

let browser: Browser;
let bundle: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const result = await build({
    stdin: { contents: CHECK, resolveDir: fileURLToPath(new URL("..", import.meta.url)), loader: "js" },
    bundle: true, format: "iife", platform: "browser", target: "es2022", write: false, logLevel: "error",
  });
  bundle = result.outputFiles[0]?.text ?? "";
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
  });
});

afterAll(async () => {
  await browser?.close();
});

describe("compiled mode's WebAssembly SIMD kernels in Chromium", () => {
  const expected = { simd: true, javascriptSimd: false, same: true, count: 5 + 4 * 301 };

  it("run on a page, with the JavaScript kernels' bits", async () => {
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>kernels</title>" }));
    await page.goto(`${ORIGIN}/`);
    await page.addScriptTag({ content: bundle });
    expect(await page.evaluate(() => (globalThis as unknown as { kernelCheck: () => unknown }).kernelCheck())).toEqual(expected);
    await page.close();
  });

  it("run in a worker, where the demo trains, with the JavaScript kernels' bits", async () => {
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>kernels</title>" }));
    await page.goto(`${ORIGIN}/`);
    const seen = await page.evaluate(async (source) => {
      const url = URL.createObjectURL(new Blob([`${source}\npostMessage(globalThis.kernelCheck());`], { type: "text/javascript" }));
      const worker = new Worker(url);
      return new Promise((resolve, reject) => {
        worker.onmessage = (e: MessageEvent) => resolve(e.data);
        worker.onerror = (e: ErrorEvent) => reject(new Error(e.message));
      });
    }, bundle);
    expect(seen).toEqual(expected);
    await page.close();
  });
});
