import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { MLP } from "@micrograd/nn";
import type { MLPJSON } from "@micrograd/nn";
import { moons } from "@micrograd/training";
import * as ort from "onnxruntime-node";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import { preview } from "vite";
import type { PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DEMO = fileURLToPath(new URL("..", import.meta.url));
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let server: PreviewServer;
let browser: Browser;
let base: string;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  if (!existsSync(`${DEMO}/dist/index.html`)) throw new Error("the demo is not built: run pnpm --filter @micrograd/demo build");
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await preview({ root: DEMO, logLevel: "silent", preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false } });
  base = server.resolvedUrls?.local[0] ?? "";
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the demo, recording every console error or warning and uncaught exception. */
async function open(query: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${query}: console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${query}: ${e.message}`));
  await page.goto(`${base}${query}`);
  return page;
}

/** Presses Step `n` times from step 0 and waits until the page shows step `n`. */
async function stepTimes(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await page.click("#tr-step");
  await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe(String(n));
}

const gradOf = (page: Page, label: string) => page.locator(`#bp-values tr[data-label="${label}"] td`).nth(1).textContent();

describe("Backprop view", () => {
  it("shows o = 0.7071 and, after Backward, the seed's gradients", async () => {
    const page = await open("?view=backprop");
    await expect.poll(() => page.locator("#bp-status").textContent()).toBe("o = 0.7071");
    await page.locator("#bp-graph svg").waitFor();
    await page.click("#bp-backward");
    await expect.poll(() => gradOf(page, "w1")).toBe("1.0000");
    expect(await gradOf(page, "x1")).toBe("-1.5000");
    expect(await gradOf(page, "x2")).toBe("0.5000");
    expect(await gradOf(page, "w2")).toBe("0.0000");
    expect(await gradOf(page, "b")).toBe("0.5000");
    expect(await gradOf(page, "o")).toBe("1.0000");
    await expect.poll(() => page.locator("#bp-graph").textContent()).toContain("grad -1.5000");
    await page.screenshot({ path: `${ARTIFACTS}backprop.png`, fullPage: true });
    await page.close();
  });

  it("takes the graph and its buttons away on an expression error, until a Build reads", async () => {
    const page = await open("?view=backprop");
    await page.locator("#bp-graph svg").waitFor();
    await page.fill("#bp-expression", "tanh(x1*w1 +");
    await page.click("#bp-build");
    await expect.poll(() => page.locator("#bp-status").getAttribute("class")).toContain("error");
    expect(await page.locator("#bp-graph svg").count()).toBe(0);
    expect(await page.locator("#bp-values tr").count()).toBe(0);
    for (const button of ["#bp-forward", "#bp-backward", "#bp-step", "#bp-reset"]) expect(await page.locator(button).isDisabled()).toBe(true);
    const error = await page.locator("#bp-status").textContent();
    await page.fill("#bp-expression", "(a*b + c).relu()");
    await page.click("#bp-build");
    await page.locator("#bp-graph svg").waitFor();
    expect(await page.locator("#bp-status").textContent()).not.toBe(error);
    for (const button of ["#bp-forward", "#bp-backward", "#bp-step", "#bp-reset"]) expect(await page.locator(button).isDisabled()).toBe(false);
    await page.close();
  });

  it("steps back one node at a time, highlighting it and explaining the chain rule", async () => {
    const page = await open("?view=backprop");
    await expect.poll(() => page.locator("#bp-status").textContent()).toBe("o = 0.7071");
    await page.click("#bp-step");
    await expect.poll(() => page.locator("#bp-explain").textContent()).toContain("Step 1 of 5: o = tanh(…), its grad is 1.0000");
    expect(await page.locator("#bp-explain").textContent()).toContain("adds 1.0000 × 0.5000 = 0.5000");
    await page.locator("#bp-graph g.node.current").first().waitFor();
    for (let k = 0; k < 4; k++) await page.click("#bp-step");
    await expect.poll(() => page.locator("#bp-explain").textContent()).toContain("Step 5 of 5");
    expect(await gradOf(page, "x1")).toBe("-1.5000");
    await page.screenshot({ path: `${ARTIFACTS}backprop-step.png`, fullPage: true });
    await page.click("#bp-reset");
    await expect.poll(() => gradOf(page, "x1")).toBe("0.0000");
    await page.close();
  });

  it("takes other expressions, and shows user text as text, never as HTML", async () => {
    const page = await open("?view=backprop");
    await page.fill("#bp-expression", "(a*b + c).relu()");
    await page.click("#bp-build");
    await page.locator("#bp-var-c").waitFor();
    for (const [name, value] of [["a", "2"], ["b", "-3"], ["c", "10"]]) {
      await page.fill(`#bp-var-${name}`, value as string);
      await page.dispatchEvent(`#bp-var-${name}`, "change");
    }
    await expect.poll(() => page.locator("#bp-status").textContent()).toBe("o = 4.0000");
    await page.click("#bp-backward");
    await expect.poll(() => gradOf(page, "a")).toBe("-3.0000");
    await page.fill("#bp-expression", "<img src=x onerror=alert(1)>");
    await page.click("#bp-build");
    await expect.poll(() => page.locator("#bp-status").textContent()).toContain("unexpected character \"<\"");
    expect(await page.locator("img").count()).toBe(0);
    await page.close();
  });
});

describe("Backprop view: never frozen, never silent about NaN", () => {
  it("lays graphs out in a worker: a huge one gets a summary, a slow one can be stopped or times out, and the page answers all along", async () => {
    const page = await open("?view=backprop");
    await page.locator("#bp-graph svg").waitFor();
    // 999 values: over the budget, summarised at once instead of laid out for minutes.
    await page.fill("#bp-expression", Array.from({ length: 500 }, (_, i) => `a${i}`).join("+"));
    await page.click("#bp-build");
    await expect.poll(() => page.locator("#bp-status").textContent()).toBe("o = 500.0000");
    expect(await page.locator("#bp-graph-note").textContent()).toMatch(/^999 values \(500 leaves, 499 \+\): more than 400 values are not drawn/);
    expect(await page.locator("#bp-graph svg").count()).toBe(0);
    await page.click("#bp-backward");
    await expect.poll(() => gradOf(page, "a7")).toBe("1.0000");
    // 125 copies of p*q share two leaves: Graphviz takes minutes over these 251 values.
    await page.fill("#bp-expression", Array.from({ length: 125 }, () => "p*q").join("+"));
    await page.click("#bp-build");
    await expect.poll(() => page.locator("#bp-graph-note").textContent()).toMatch(/^Laying out 251 values/);
    // The main thread is free while Graphviz works: Backward answers, and Stop stops.
    const started = Date.now();
    await page.click("#bp-backward");
    await expect.poll(() => gradOf(page, "p")).toBe("125.0000");
    const answered = Date.now() - started;
    await page.click("#bp-stop-layout");
    await expect.poll(() => page.locator("#bp-graph-note").textContent()).toContain("The layout was stopped");
    expect(await page.locator("#bp-stop-layout").isHidden()).toBe(true);
    // Left alone, the layout is stopped after 10 s, with a message.
    await page.click("#bp-build");
    await expect.poll(() => page.locator("#bp-graph-note").textContent(), { timeout: 20_000 }).toContain("after 10 s, so it was stopped");
    // A fresh worker draws the next graph.
    await page.fill("#bp-expression", "a*b + c");
    await page.click("#bp-build");
    await page.locator("#bp-graph svg").waitFor();
    expect(await page.locator("#bp-graph-note").textContent()).toBe("");
    writeFileSync(`${ARTIFACTS}graph-layout.txt`, `Backward answered in ${answered} ms while Graphviz laid out 125 copies of p*q in its worker.\n`);
    await page.close();
  }, 60_000);

  it("marks where a NaN or an infinity enters the graph, and says why", async () => {
    const page = await open("?view=backprop");
    await page.fill("#bp-expression", "log(a) + 1/b + c");
    await page.click("#bp-build");
    await page.locator("#bp-var-b").waitFor();
    for (const [name, value] of [["a", "-1"], ["b", "0"]]) {
      await page.fill(`#bp-var-${name}`, value as string);
      await page.dispatchEvent(`#bp-var-${name}`, "change");
    }
    await expect.poll(() => page.locator("#bp-status").textContent()).toContain("the log of a negative number (-1.0000) is not a number");
    const status = await page.locator("#bp-status").textContent();
    expect(status).toMatch(/^o = NaN — /);
    expect(status).toContain("division by zero (1.0000 / 0)");
    expect(await page.locator("#bp-status").getAttribute("class")).toContain("error");
    await expect.poll(() => page.locator("#bp-graph g.node.not-finite").count()).toBe(4);
    await page.screenshot({ path: `${ARTIFACTS}backprop-nan.png`, fullPage: true });
    await page.close();
  });
});

describe("Train view", () => {
  it("Step advances exactly one step, Reset resets, and Play reaches 95 % on moons within 30 s", async () => {
    const page = await open("?view=train");
    await expect.poll(() => page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    expect(await page.locator("#tr-step-count").textContent()).toBe("0");
    await page.click("#tr-step");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("1");
    await page.click("#tr-step");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("2");
    await page.click("#tr-reset");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("0");

    await page.click("#tr-play");
    await expect.poll(async () => parseFloat((await page.locator("#tr-accuracy").textContent()) ?? "0"), { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(95);
    await page.click("#tr-play");
    expect(await page.locator("#tr-play").textContent()).toBe("Play");
    await page.screenshot({ path: `${ARTIFACTS}train.png`, fullPage: true });
    expect(new URL(page.url()).searchParams.get("dataset")).toBe("moons");
    await page.close();
  });

  it("adds a point from the keyboard, refuses a class the data does not have, and says when a link's points are left out", async () => {
    const page = await open("?view=train&n=100");
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("100 training points, 0 test points");
    await page.fill("#tr-add-x", "0.25");
    await page.fill("#tr-add-y", "-0.5");
    await page.fill("#tr-add-label", "2");
    await page.click("#tr-add");
    expect(await page.locator("#tr-add-label-error").textContent()).toBe("Use a class from 0 to 1.");
    expect(await page.locator("#tr-add-label").getAttribute("aria-invalid")).toBe("true");
    expect(new URL(page.url()).searchParams.get("points")).toBeNull();
    await page.fill("#tr-add-label", "1");
    await page.click("#tr-add");
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("101 training points, 0 test points");
    expect(new URL(page.url()).searchParams.get("points")).toBe("0.25,-0.5,1");
    expect(await page.locator("#tr-add-label-error").textContent()).toBe("");
    await page.goto(`${base}?view=train&n=100&points=0.1,0.1,2;0.2,0.2,0`);
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("101 training points, 0 test points; 1 added point is left out: this data has no class 2");
    await page.goto(`${base}?view=train&points=0.1,abc,1`);
    await expect.poll(() => page.locator("#tr-status").textContent()).toContain("points=0.1,abc,1 (use points as x,y,class");
    await page.close();
  });

  it("reads its setup from the URL and adds points where the user clicks", async () => {
    const page = await open("?view=train&dataset=circles&layers=8,8&activation=tanh&lr=0.03");
    await expect.poll(() => page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    expect(await page.locator("#tr-dataset").inputValue()).toBe("circles");
    expect(await page.locator("#tr-layers").inputValue()).toBe("8,8");
    expect(await page.locator("#tr-activation").inputValue()).toBe("tanh");
    await page.click("#tr-heatmap", { position: { x: 40, y: 40 }, modifiers: ["Shift"] });
    await expect.poll(() => new URL(page.url()).searchParams.get("points")).toMatch(/^-?[\d.]+,-?[\d.]+,1$/);
    await page.screenshot({ path: `${ARTIFACTS}added-point.png` });
    await page.close();
  });
});

describe("Train / test split", () => {
  it("holds out the share of points asked for, draws them as rings that can be hidden, and tracks the test loss", async () => {
    const page = await open("?view=train&n=100&test=0.3");
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("70 training points, 30 test points");
    expect(await page.locator("#tr-test-loss").textContent()).toMatch(/^\d+\.\d{4}$/);
    await stepTimes(page, 3);
    const shown = await page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => c.toDataURL());
    await page.uncheck("#tr-show-test");
    await expect.poll(() => page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => c.toDataURL())).not.toBe(shown);
    expect(page.url()).toContain("showTest=false");
    await page.check("#tr-show-test");
    await page.selectOption("#tr-test", "50");
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("50 training points, 50 test points");
    await page.click("#tr-play");
    await expect.poll(async () => Number(await page.locator("#tr-step-count").textContent())).toBeGreaterThan(20);
    await page.click("#tr-play");
    await page.screenshot({ path: `${ARTIFACTS}train-test-split.png` });
    await page.close();
  });
});

describe("layout", () => {
  /** The elements of `selectors` not wholly on the first screen of `page` (not scrolled). */
  const offScreen = (page: Page, selectors: readonly string[]) => page.evaluate((all) => all.filter((selector) => {
    const box = document.querySelector(selector)?.getBoundingClientRect();
    return !box || box.width === 0 || box.top < 0 || box.left < 0 || box.bottom > innerHeight || box.right > innerWidth;
  }), selectors);

  it("puts Playground's whole screen on a 1366×768 laptop: the bar, the data, the features, the network with +/−, and the output", async () => {
    const page = await open("?view=train", { width: 1366, height: 768 });
    await page.locator("#tr-network rect.neuron").first().waitFor();
    await expect.poll(() => page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    expect(await offScreen(page, [
      "#tr-play", "#tr-step", "#tr-reset", "#tr-epoch", "#tr-lr", "#tr-activation", "#tr-regularization", "#tr-rate", "#tr-problem",
      "#tr-dataset", "#tr-n", "#tr-noise", "#tr-test", "#tr-batch",
      "#tr-feature-x1", "#tr-feature-sinx2", 'button[aria-label="Add a hidden layer"]', 'button[aria-label="Add a neuron to hidden layer 2"]', "#tr-network svg",
      "#tr-heatmap", "#tr-loss-value", "#tr-test-loss", "#tr-accuracy", "#tr-curves",
    ])).toEqual([]);
    for (const view of ["train", "backprop", "lessons"]) {
      await page.goto(`${base}?view=${view}`);
      await page.waitForTimeout(800);
      await page.screenshot({ path: `${ARTIFACTS}laptop-${view}.png` });
    }
    await page.close();
  });

  it("puts Play, the plot and the loss on a 375×667 phone's first screen, and keeps Play in reach", async () => {
    const page = await open("?view=train", { width: 375, height: 667 });
    await expect.poll(() => page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    expect(await offScreen(page, ["#tr-play", "#tr-step-count", "#tr-heatmap", "#tr-loss-value", "#tr-accuracy"])).toEqual([]);
    await page.mouse.wheel(0, 1500);
    await page.waitForTimeout(300);
    expect(await offScreen(page, ["#tr-play"])).toEqual([]);
    for (const view of ["train", "backprop", "lessons"]) {
      await page.goto(`${base}?view=${view}`);
      await page.waitForTimeout(800);
      await page.screenshot({ path: `${ARTIFACTS}phone-first-screen-${view}.png` });
    }
    await page.close();
  });

  it("grows the plot and the network on a 2560×1440 screen, drawn sharp at their size", async () => {
    const page = await open("?view=train", { width: 2560, height: 1440 });
    await page.locator("#tr-network rect.neuron").first().waitFor();
    await expect.poll(() => page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    const plot = await page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => ({ shown: c.clientWidth, drawn: c.width }));
    expect(plot.shown).toBeGreaterThan(800);
    expect(plot.drawn).toBe(plot.shown);
    expect((await page.locator("#tr-network svg").boundingBox())?.width).toBeGreaterThan(700);
    expect(await offScreen(page, ["#tr-play", "#tr-heatmap", "#tr-network svg", "#tr-curves"])).toEqual([]);
    for (const view of ["train", "backprop", "lessons"]) {
      await page.goto(`${base}?view=${view}`);
      await page.waitForTimeout(800);
      await page.screenshot({ path: `${ARTIFACTS}wide-${view}.png` });
    }
    await page.close();
  });
});

describe("controls that never lie", () => {
  it("refuses a typed value out of range at its field, keeps what was typed, and trains on nothing else", async () => {
    const page = await open("?view=train");
    await expect.poll(() => page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    const cases: [string, string, string][] = [
      ["#tr-layers", "2.5", "Use 0 (no hidden layer) or up to 6 sizes from 1 to 8, separated by commas, like 4,2."],
      ["#tr-layers", "8,8,8,8,8,8,8", "Use 0 (no hidden layer) or up to 6 sizes from 1 to 8, separated by commas, like 4,2."],
      ["#tr-layers", "4,9", "Use 0 (no hidden layer) or up to 6 sizes from 1 to 8, separated by commas, like 4,2."],
      ["#tr-layers", "abc", "Use 0 (no hidden layer) or up to 6 sizes from 1 to 8, separated by commas, like 4,2."],
      ["#tr-batch", "1001", "Use a whole number from 0 to 1000."],
      ["#tr-n", "5000", "Use a whole number from 10 to 1000."],
      ["#tr-noise", "2", "Use a number from 0 to 1."],
    ];
    for (const [field, typed, message] of cases) {
      const before = page.url();
      await page.fill(field, typed);
      await page.locator(field).dispatchEvent("change");
      await expect.poll(() => page.locator(`${field}-error`).textContent()).toBe(message);
      expect(await page.locator(field).getAttribute("aria-invalid")).toBe("true");
      expect(await page.locator(field).inputValue()).toBe(typed);
      expect(await page.locator("#tr-status").textContent()).toContain("Not applied");
      expect(page.url()).toBe(before);
      // Put the field back as it was: the message goes, and the setup is the one the URL had.
      const name = field.replace("#tr-", "");
      const value = new URL(before).searchParams.get(name) ?? "";
      await page.fill(field, value);
      await page.locator(field).dispatchEvent("change");
      await expect.poll(() => page.locator(field).getAttribute("aria-invalid")).toBe("false");
      expect(await page.locator(`${field}-error`).textContent()).toBe("");
    }
    // Learning rate, regularization rate and test share are Playground's lists: nothing else can be picked.
    expect(await page.locator("#tr-lr option").allTextContents()).toEqual(["0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]);
    expect(await page.locator("#tr-rate option").allTextContents()).toEqual(["0", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]);
    expect(await page.locator("#tr-test option").allTextContents()).toEqual(["0", "10", "20", "30", "40", "50", "60", "70", "80", "90"]);
    await page.selectOption("#tr-lr", "0.3");
    await expect.poll(() => new URL(page.url()).searchParams.get("lr")).toBe("0.3");
    await page.close();
  });

  it("says which link parameters it could not use", async () => {
    const page = await open("?view=train&lr=0.005&layers=16,16&activation=swish&test=0.95");
    await expect.poll(() => page.locator("#tr-status").textContent()).toContain("could not be used");
    const status = await page.locator("#tr-status").textContent();
    for (const part of [
      "lr=0.005 (use one of 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)", "layers=16,16 (use 0 (no hidden layer) or up to 6 sizes from 1 to 8",
      "activation=swish (use one of relu, tanh, sigmoid, linear)", "test=0.95 (use one of 0, 0.1,",
    ]) expect(status).toContain(part);
    // The defaults are what trains, and what the link now says.
    await expect.poll(() => new URL(page.url()).searchParams.get("layers")).toBe("8,8");
    await expect.poll(() => page.locator("#tr-network svg").getAttribute("aria-label")).toBe("network with layers 2, 8, 8, 1");
    await page.close();
  });

  it("keeps playing through a change of any setting, as Playground does, with the button saying so; Pause stops at once", async () => {
    const page = await open("?view=train");
    await expect.poll(() => page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    const steps = async () => Number(await page.locator("#tr-step-count").textContent());
    await page.click("#tr-play");
    await expect.poll(steps).toBeGreaterThan(20);
    // Every control that changes what trains: [control, value, the URL parameter and what it then says].
    const changes: [string, string, string, string][] = [
      ["#tr-activation", "tanh", "activation", "tanh"], ["#tr-optimizer", "sgd", "optimizer", "sgd"], ["#tr-lr", "0.03", "lr", "0.03"],
      ["#tr-layers", "4", "layers", "4"], ["#tr-noise", "0.2", "noise", "0.2"], ["#tr-n", "200", "n", "200"], ["#tr-batch", "10", "batch", "10"],
      ["#tr-seed", "3", "seed", "3"], ["#tr-regularization", "l1", "regularization", "l1"], ["#tr-rate", "0.001", "rate", "0.001"],
      ["#tr-test", "20", "test", "0.2"], ["#tr-loss", "bce", "loss", "bce"], ["#tr-optimizer", "adam", "optimizer", "adam"],
      ["#tr-dataset", "circles", "dataset", "circles"], ["#tr-feature-x1x2", "on", "features", "x1,x2,x1x2"], ["#tr-problem", "regression", "problem", "regression"],
    ];
    // The smallest step count shown since the last reset of this record: a fresh start shows a small one.
    await page.evaluate(() => {
      const w = window as unknown as { lowest: number };
      const counter = document.querySelector("#tr-step-count") as HTMLElement;
      new MutationObserver(() => (w.lowest = Math.min(w.lowest, Number(counter.textContent)))).observe(counter, { childList: true, characterData: true, subtree: true });
    });
    const lowest = () => page.evaluate(() => (window as unknown as { lowest: number }).lowest);
    for (const [control, value, param, expected] of changes) {
      const before = await steps();
      await page.evaluate(() => ((window as unknown as { lowest: number }).lowest = Infinity));
      const kind = await page.locator(control).evaluate((e) => (e instanceof HTMLSelectElement ? "select" : (e as HTMLInputElement).type));
      if (kind === "select") await page.selectOption(control, value);
      else if (kind === "checkbox") await page.check(control);
      else {
        await page.fill(control, value);
        await page.locator(control).dispatchEvent("change");
      }
      // A fresh start that goes on: the URL says the new setup, the count starts again and climbs, and the button still says Pause.
      await expect.poll(() => new URL(page.url()).searchParams.get(param)).toBe(expected);
      await expect.poll(lowest).toBeLessThan(Math.min(before, 20));
      await expect.poll(steps).toBeGreaterThan(20);
      expect(await page.locator("#tr-play").textContent()).toBe("Pause");
    }
    await page.click("#tr-play");
    await expect.poll(() => page.locator("#tr-play").textContent()).toBe("Play");
    // Snapshots sent before the worker read Pause may still arrive; after them the count stands still.
    await expect.poll(async () => {
      const before = await steps();
      await page.waitForTimeout(150);
      return (await steps()) === before;
    }).toBe(true);
    const stopped = await steps();
    await page.waitForTimeout(300);
    expect(await steps()).toBe(stopped);
    expect(await page.locator("#tr-play").textContent()).toBe("Play");
    await page.close();
  });
});

describe("Playground's controls", () => {
  it("input features: checking x₁² and sin x₂ widens the network's input layer, and it still learns", async () => {
    const page = await open("?view=train&dataset=circles&layers=8");
    const layers = () => page.locator("#tr-network svg").getAttribute("aria-label");
    await expect.poll(layers).toBe("network with layers 2, 8, 1");
    await page.check("#tr-feature-x12");
    await page.check("#tr-feature-sinx2");
    await expect.poll(layers).toBe("network with layers 4, 8, 1");
    expect(page.url()).toContain("features=x1%2Cx2%2Cx1%5E2%2Csin+x2");
    await page.uncheck("#tr-feature-x1");
    await page.uncheck("#tr-feature-x2");
    await page.uncheck("#tr-feature-sinx2");
    await expect.poll(layers).toBe("network with layers 1, 8, 1");
    await page.click("#tr-feature-x12");
    expect(await page.isChecked("#tr-feature-x12")).toBe(true); // the last input stays, and the page says why
    expect(await page.locator("#tr-status").textContent()).toBe("x1^2 stays on: the network needs at least one input feature.");
    // Playground's way: every feature is a named tile on the drawing; a click, or Enter, turns it on or off.
    const tile = (name: string) => page.locator(`#tr-network rect.feature[data-feature="${name}"]`);
    expect(await page.locator("#tr-network rect.feature").count()).toBe(7);
    expect(await page.locator("#tr-network text.feature-name").allTextContents()).toEqual(["x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin x₁", "sin x₂"]);
    await tile("x1").click();
    await expect.poll(layers).toBe("network with layers 2, 8, 1");
    expect(await page.isChecked("#tr-feature-x1")).toBe(true);
    expect(await tile("x1").getAttribute("aria-checked")).toBe("true");
    await tile("x1x2").focus();
    await page.keyboard.press("Enter");
    await expect.poll(layers).toBe("network with layers 3, 8, 1");
    expect(new URL(page.url()).searchParams.get("features")).toBe("x1,x1^2,x1x2");
    await stepTimes(page, 5);
    await page.screenshot({ path: `${ARTIFACTS}features.png` });
    await page.close();
  });

  it("regression: the plane dataset reaches a low test loss, drawn on a diverging scale", async () => {
    const page = await open("?view=train&problem=regression&dataset=plane&test=0.3&noise=0.02");
    await expect.poll(() => page.locator("#tr-legend").textContent()).toContain("the predicted value");
    expect(await page.locator("#tr-accuracy").textContent()).toBe("—");
    // Regression words: the loss field says mse and offers nothing else.
    expect(await page.locator("#tr-loss option").allTextContents()).toEqual(["mse"]);
    expect(await page.locator("#tr-loss").isDisabled()).toBe(true);
    await page.click("#tr-play");
    await expect.poll(async () => Number(await page.locator("#tr-test-loss").textContent()), { timeout: 30_000 }).toBeLessThan(0.01);
    await page.click("#tr-play");
    await page.screenshot({ path: `${ARTIFACTS}regression.png` });
    // No accuracy curve for a regression: not one pixel of its green.
    const green = () => page.locator("#tr-curves").evaluate((c: HTMLCanvasElement) => {
      // Read a copy, so that the page's own canvas is never read back (Chrome warns when it is, often).
      const copy = Object.assign(document.createElement("canvas"), { width: c.width, height: c.height });
      const ctx = copy.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
      ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === 0x2e && d[i + 1] === 0x7d && d[i + 2] === 0x32) n++;
      return n;
    });
    expect(await green()).toBe(0);
    await page.selectOption("#tr-problem", "classification");
    await expect.poll(() => page.url()).toContain("dataset=moons");
    expect(await page.locator("#tr-loss option").allTextContents()).toEqual(["hinge", "bce", "crossEntropy"]);
    expect(await page.locator("#tr-loss").isDisabled()).toBe(false);
    await stepTimes(page, 3);
    await expect.poll(green).toBeGreaterThan(0);
    await page.close();
  });

  it("draws a smooth heatmap, without a visible cell grid, with a legend of its colours", async () => {
    // The plot is drawn at the size it is shown: on a wide screen, about 1000 pixels.
    const page = await open("?view=train&dataset=spiral&loss=crossEntropy", { width: 2560, height: 1440 });
    await expect.poll(() => page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(900);
    await expect.poll(() => page.locator("#tr-legend").textContent()).toBe("class 0class 1class 2paler where the network is less sure; rings: test points");
    // Along one row of the plot, a grid of 48 cells would show at most 48 colours (plus the points').
    const colours = await page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => {
      const row = c.getContext("2d")?.getImageData(0, Math.round(c.height * 0.37), c.width, 1).data ?? new Uint8ClampedArray();
      const seen = new Set<string>();
      for (let i = 0; i < row.length; i += 4) seen.add(`${row[i]},${row[i + 1]},${row[i + 2]}`);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(120);
    await page.screenshot({ path: `${ARTIFACTS}smooth-heatmap.png` });
    await page.close();
  });

  it("every neuron shows what it computes, and hovering or focusing one shows it large in the main plot", async () => {
    const page = await open("?view=train&layers=4,3&seed=1");
    const neurons = page.locator("#tr-network rect.neuron");
    await expect.poll(() => neurons.count()).toBe(4 + 3 + 1);
    const plot = () => page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => c.toDataURL());
    const boundary = await plot();
    await neurons.first().hover();
    await expect.poll(plot).not.toBe(boundary);
    const first = await plot();
    // Named above the plot, with its own legend, and marked on the drawing.
    expect(await page.locator("#tr-plot-caption").textContent()).toBe("The plot shows h1.1 (unit 1 of hidden layer 1): orange where its output is negative, white at 0, blue where it is positive, as strong as its largest size.");
    expect(await page.isVisible("#tr-legend")).toBe(false);
    expect(await neurons.first().getAttribute("class")).toBe("neuron shown");
    await neurons.nth(5).hover();
    await expect.poll(plot).not.toBe(first);
    expect(await page.locator("#tr-plot-caption").textContent()).toMatch(/^The plot shows h2\.2 \(unit 2 of hidden layer 2\)/);
    await neurons.nth(7).hover();
    await expect.poll(() => page.locator("#tr-plot-caption").textContent()).toMatch(/^The plot shows the output:/);
    await page.mouse.move(5, 5);
    await expect.poll(plot).toBe(boundary);
    expect(await page.isVisible("#tr-plot-caption")).toBe(false);
    expect(await page.isVisible("#tr-legend")).toBe(true);
    await neurons.nth(2).focus();
    await expect.poll(plot).not.toBe(boundary);
    await page.screenshot({ path: `${ARTIFACTS}neuron-maps.png` });
    // A neuron's bias is edited as a weight is: click it (or press Enter), type, Set.
    await neurons.nth(2).click();
    await expect.poll(() => page.locator("#tr-weight-label").textContent()).toBe("Bias of neuron 3 of layer 1");
    await page.fill("#tr-weight-value", "2.25");
    await page.click("#tr-weight-set");
    await page.click("#tr-weight-close");
    await neurons.nth(2).click();
    await expect.poll(() => page.inputValue("#tr-weight-value")).toBe("2.25");
    await page.close();
  });

  it("a weight can be clicked, edited, and the plot follows", async () => {
    const page = await open("?view=train&layers=4&seed=1");
    const link = page.locator('#tr-network line[data-layer="0"][data-neuron="0"][data-input="0"]');
    await link.waitFor();
    const before = await page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => c.toDataURL());
    await link.click();
    expect(await page.isVisible("#tr-weight-editor")).toBe(true);
    expect(Number(await page.inputValue("#tr-weight-value"))).toBeCloseTo(Number((await link.getAttribute("aria-label"))?.split(": ")[1]), 4);
    await page.fill("#tr-weight-value", "-7.5");
    await page.click("#tr-weight-set");
    await expect.poll(() => link.getAttribute("aria-label")).toBe("weight from input 1 to neuron 1 of layer 1: -7.5000");
    await expect.poll(() => page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => c.toDataURL())).not.toBe(before);
    // And from the keyboard: focusing a link shows its weight, Enter opens the editor.
    const focused = page.locator('#tr-network line[data-layer="1"][data-neuron="0"][data-input="2"]');
    await focused.focus();
    const weight = (await focused.getAttribute("aria-label"))?.split(": ")[1] ?? "none";
    await expect.poll(() => page.locator("#tr-link-info").textContent()).toBe(`Weight from input 3 to neuron 1 of layer 2: ${weight} (click or press Enter to edit it)`);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#tr-weight-label").textContent()).toBe("Weight from input 3 to neuron 1 of layer 2");
    await page.screenshot({ path: `${ARTIFACTS}edit-weight.png` });
    // An empty value is said to be one, not dropped; Escape closes the editor, and so does Close.
    await page.fill("#tr-weight-value", "");
    await page.keyboard.press("Enter");
    expect(await page.locator("#tr-weight-value-error").textContent()).toBe("Type a number.");
    expect(await page.locator("#tr-weight-value").getAttribute("aria-invalid")).toBe("true");
    await page.keyboard.press("Escape");
    expect(await page.isVisible("#tr-weight-editor")).toBe(false);
    await link.click();
    expect(await page.isVisible("#tr-weight-editor")).toBe(true);
    expect(await page.locator("#tr-weight-value-error").textContent()).toBe("");
    await page.click("#tr-weight-close");
    expect(await page.isVisible("#tr-weight-editor")).toBe(false);
    await page.close();
  });

  it("+ and − under the drawing add and remove hidden layers and neurons", async () => {
    const page = await open("?view=train&layers=4");
    const layers = () => page.locator("#tr-network svg").getAttribute("aria-label");
    await expect.poll(layers).toBe("network with layers 2, 4, 1");
    await page.click('button[aria-label="Add a hidden layer"]');
    await expect.poll(layers).toBe("network with layers 2, 4, 4, 1");
    await page.click('button[aria-label="Add a neuron to hidden layer 2"]');
    await page.click('button[aria-label="Add a neuron to hidden layer 2"]');
    await expect.poll(layers).toBe("network with layers 2, 4, 6, 1");
    await page.click('button[aria-label="Remove a neuron from hidden layer 1"]');
    await expect.poll(layers).toBe("network with layers 2, 3, 6, 1");
    expect(await page.inputValue("#tr-layers")).toBe("3,6");
    await page.click('button[aria-label="Remove the last hidden layer"]');
    await expect.poll(layers).toBe("network with layers 2, 3, 1");
    // Playground's limit: 8 neurons a layer.
    for (let k = 0; k < 5; k++) await page.click('button[aria-label="Add a neuron to hidden layer 1"]');
    await expect.poll(layers).toBe("network with layers 2, 8, 1");
    expect(await page.isDisabled('button[aria-label="Add a neuron to hidden layer 1"]')).toBe(true);
    // No hidden layer at all, as Playground allows: a linear model that still trains.
    await page.click('button[aria-label="Remove the last hidden layer"]');
    await expect.poll(layers).toBe("network with layers 2, 1");
    expect(await page.inputValue("#tr-layers")).toBe("0");
    expect(new URL(page.url()).searchParams.get("layers")).toBe("0");
    expect(await page.isDisabled('button[aria-label="Remove the last hidden layer"]')).toBe(true);
    await page.click("#tr-step");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("1");
    expect(await page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    await page.screenshot({ path: `${ARTIFACTS}shape-buttons.png` });
    await page.close();
  });

  it("training and test loss are the same data loss; the L1 or L2 penalty has its own line", async () => {
    const page = await open("?view=train&regularization=none&seed=2&test=0.5");
    /** The training loss, test loss and penalty at step 0, once the penalty reads `penalty`. */
    const atStepZero = async (penalty: string) => {
      await expect.poll(() => page.locator("#tr-penalty").textContent()).toBe(penalty);
      expect(await page.locator("#tr-step-count").textContent()).toBe("0");
      return Promise.all(["#tr-loss-value", "#tr-test-loss"].map((id) => page.locator(id).textContent()));
    };
    const [plain, plainTest] = await atStepZero("none");
    // The seed's fresh network, made in Node: its penalties are the expected values.
    const params = new MLP(2, [8, 8, 1], { seed: 2 }).parameters().map((p) => p.data);
    await page.selectOption("#tr-regularization", "l1");
    await page.selectOption("#tr-rate", "0.01");
    // The same weights give the same data losses: the penalty is not in them.
    expect(await atStepZero((0.01 * params.reduce((s, p) => s + Math.abs(p), 0)).toFixed(4))).toEqual([plain, plainTest]);
    expect(await page.locator("#tr-penalty-name").textContent()).toBe("L1 penalty");
    expect(page.url()).toContain("regularization=l1");
    await page.selectOption("#tr-regularization", "l2");
    expect(await atStepZero((0.01 * params.reduce((s, p) => s + p * p, 0)).toFixed(4))).toEqual([plain, plainTest]);
    expect(await page.locator("#tr-penalty-name").textContent()).toBe("L2 penalty");
    await page.click("#tr-step");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("1");
    expect(await page.locator("#tr-loss-value").textContent()).not.toBe(plain);
    await page.screenshot({ path: `${ARTIFACTS}regularization.png` });
    await page.close();
  });

  it("discretize output draws only the class, and the epoch counter follows the batches", async () => {
    const page = await open("?view=train&n=100&batch=30");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("0");
    await stepTimes(page, 4);
    expect(await page.locator("#tr-epoch").textContent()).toBe("1"); // 30 + 30 + 30 + 10 rows
    const shaded = await page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => c.toDataURL());
    await page.check("#tr-discretize");
    await expect.poll(() => page.locator("#tr-heatmap").evaluate((c: HTMLCanvasElement) => c.toDataURL())).not.toBe(shaded);
    expect(page.url()).toContain("discretize=true");
    await page.screenshot({ path: `${ARTIFACTS}discretize.png` });
    await page.close();
  });
});

/**
 * How busy the page's main thread is over `ms` of what it is doing now, from Chromium's trace:
 * the share of the wall time spent in tasks (drawing, messages, layout, paint, commit), and the
 * share spent on the CPU — lower on a loaded 2-core machine, where a task waits for a core.
 */
async function mainThreadLoad(page: Page, ms: number): Promise<{ wall: string; cpu: string }> {
  await browser.startTracing(page, { categories: ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline"] });
  await page.waitForTimeout(ms);
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString()) as {
    traceEvents: { ph: string; name: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args: { name?: string } }[];
  };
  const main = new Set(traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const tasks = traceEvents.filter((e) => e.ph === "X" && e.name === "RunTask" && main.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts);
  // Only the outermost tasks: a task run inside another (a nested loop) is in its time already.
  let wall = 0;
  let cpu = 0;
  let end = -Infinity;
  for (const task of tasks) {
    if (task.ts < end) continue;
    wall += task.dur ?? 0;
    cpu += task.tdur ?? 0;
    end = task.ts + (task.dur ?? 0);
  }
  const share = (total: number) => ((total / 1000 / ms) * 100).toFixed(0);
  return { wall: share(wall), cpu: share(cpu) };
}

/**
 * Plays for `warmup` ms, then measures for 3 s: when the network drawing redrew (from a
 * MutationObserver on its `data-step`), within the window, and the main thread's load.
 */
async function measurePlaying(page: Page, warmup: number): Promise<{ times: number[]; seconds: number; load: { wall: string; cpu: string } }> {
  await page.evaluate(() => {
    const w = window as unknown as { redraws: number[] };
    w.redraws = [];
    new MutationObserver(() => w.redraws.push(performance.now())).observe(document.querySelector("#tr-network") as Node, { attributeFilter: ["data-step"] });
  });
  await page.click("#tr-play");
  await page.waitForTimeout(warmup);
  const from = await page.evaluate(() => performance.now());
  const load = await mainThreadLoad(page, 3000);
  const to = await page.evaluate(() => performance.now());
  const times = (await page.evaluate(() => (window as unknown as { redraws: number[] }).redraws.slice())).filter((t) => t >= from && t <= to);
  return { times, seconds: (to - from) / 1000, load };
}

describe("smoothness (measured and reported, never asserted)", () => {
  it("redraws the plot and the neuron maps while playing moons, keeps the main thread free, and answers clicks", async () => {
    const lines: string[] = [];
    for (const layers of ["8,8", "8,8,8,8,8,8"]) {
      const page = await open(`?view=train&layers=${layers}`);
      await page.locator("#tr-network rect.neuron").first().waitFor();
      const { times: window3s, seconds, load } = await measurePlaying(page, 500);
      await page.click("#tr-play");
      const gaps = window3s.slice(1).map((t, i) => t - (window3s[i] as number)).sort((a, b) => a - b);
      const quantile = (q: number) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] ?? NaN;
      await page.waitForTimeout(300);
      const before = Number(await page.locator("#tr-step-count").textContent());
      const latency = await page.evaluate(async (from) => {
        const started = performance.now();
        (document.querySelector("#tr-step") as HTMLButtonElement).click();
        while (Number(document.querySelector("#tr-step-count")?.textContent) === from) await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - started;
      }, before);
      const neurons = layers.split(",").reduce((a, b) => a + Number(b), 1);
      lines.push(`moons ${layers} (${neurons} neuron maps): ${(window3s.length / seconds).toFixed(1)} redraws/s; gaps between redraws median ${quantile(0.5).toFixed(0)} ms, p95 ${quantile(0.95).toFixed(0)} ms; main thread in tasks ${load.wall} % of the wall time, on the CPU ${load.cpu} % (the rest waiting for a core); Step answered in ${latency.toFixed(0)} ms`);
      expect(window3s.length).toBeGreaterThan(0);
      if (layers === "8,8") {
        // The drawing is updated in place: a focused link keeps the focus while training plays.
        const link = page.locator('#tr-network line[data-layer="1"][data-neuron="3"][data-input="5"]');
        await page.click("#tr-play");
        await link.focus();
        const step = Number(await page.locator("#tr-step-count").textContent());
        await expect.poll(async () => Number(await page.locator("#tr-step-count").textContent())).toBeGreaterThan(step + 20);
        expect(await link.evaluate((e) => e === document.activeElement)).toBe(true);
        await page.click("#tr-play");
      }
      await page.screenshot({ path: `${ARTIFACTS}playing-${layers.replaceAll(",", "-")}.png` });
      await page.close();
    }
    console.log(`demo smoothness:\n${lines.join("\n")}`);
    writeFileSync(`${ARTIFACTS}smoothness.txt`, `${lines.join("\n")}\n`);
  }, 60_000);
});

describe("large data (measured and reported, never asserted)", () => {
  it("plays a 10,000-point CSV: it redraws, the main thread stays free, and Pause stops the counters", async () => {
    const page = await open("?view=train", { width: 1366, height: 768 });
    await page.locator("#tr-network rect.neuron").first().waitFor();
    // Two rings of 10,000 points, written with four decimals.
    const rows = Array.from({ length: 10_000 }, (_, i) => {
      const angle = (i * 2.399) % (2 * Math.PI);
      const radius = 0.3 + (i % 97) / 60;
      return `${(radius * Math.cos(angle)).toFixed(4)},${(radius * Math.sin(angle)).toFixed(4)},${radius > 1.1 ? "out" : "in"}`;
    });
    await page.setInputFiles("#tr-csv", { name: "rings.csv", mimeType: "text/csv", buffer: Buffer.from(`x,y,label\n${rows.join("\n")}\n`) });
    await expect.poll(() => page.locator("#tr-counts").textContent(), { timeout: 20_000 }).toBe("10000 training points, 0 test points");
    const { times, seconds, load } = await measurePlaying(page, 1000);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number)).sort((a, b) => a - b);
    // Pause: how long the step counter still moves (the worker finishes the step it is in).
    const paused = await page.evaluate(async () => {
      const counter = document.querySelector("#tr-step-count") as HTMLElement;
      const started = performance.now();
      (document.querySelector("#tr-play") as HTMLButtonElement).click();
      let last = counter.textContent;
      let moved = 0;
      while (performance.now() - started < 3000) {
        await new Promise((r) => setTimeout(r, 20));
        if (counter.textContent !== last) [last, moved] = [counter.textContent, performance.now() - started];
      }
      return moved;
    });
    const step = await page.locator("#tr-step-count").textContent();
    await page.waitForTimeout(500);
    expect(await page.locator("#tr-step-count").textContent()).toBe(step);
    expect(await page.locator("#tr-play").textContent()).toBe("Play");
    expect(times.length).toBeGreaterThan(0);
    const line = `10,000-point CSV, 8,8, full batch: ${(times.length / seconds).toFixed(1)} redraws/s; gaps between redraws median ${(gaps[Math.floor(gaps.length / 2)] ?? NaN).toFixed(0)} ms, longest ${(gaps.at(-1) ?? NaN).toFixed(0)} ms; main thread in tasks ${load.wall} % of the wall time, on the CPU ${load.cpu} %; the step counter last moved ${paused.toFixed(0)} ms after Pause`;
    console.log(`demo large data: ${line}`);
    writeFileSync(`${ARTIFACTS}large-data.txt`, `${line}\n`);
    await page.screenshot({ path: `${ARTIFACTS}large-data.png` });
    await page.close();
  }, 60_000);
});

describe("long runs", () => {
  it("keeps drawing the curves after more steps than a function call takes arguments", async () => {
    const page = await open("?view=train&layers=4");
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.locator("#tr-network rect.neuron").first().waitFor();
    await page.click("#tr-play");
    await expect.poll(async () => Number(await page.locator("#tr-step-count").textContent()), { timeout: 60_000, interval: 500 }).toBeGreaterThan(200_000);
    const curves = () => page.locator("#tr-curves").evaluate((c: HTMLCanvasElement) => c.toDataURL());
    const before = await curves();
    await expect.poll(curves).not.toBe(before);
    await page.click("#tr-play");
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}long-run.png` });
    await page.close();
  });
});

describe("Your own data", () => {
  it("loads a CSV of x, y, label by file picker, and explains a broken one by its line without breaking the page", async () => {
    const page = await open("?view=train");
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("100 training points, 0 test points");
    const rows = Array.from({ length: 40 }, (_, i) => `${(i % 8) / 4 - 1},${Math.floor(i / 8) / 2 - 1},${i % 8 < 4 ? "left" : "right"}`);
    await page.setInputFiles("#tr-csv", { name: "mine.csv", mimeType: "text/csv", buffer: Buffer.from(`x,y,side\n${rows.join("\n")}\n`) });
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("40 training points, 0 test points");
    expect(await page.locator("#tr-status").textContent()).toBe("Training on mine.csv: 40 points, classes left, right.");
    await stepTimes(page, 3);
    await page.setInputFiles("#tr-csv", { name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from("x,y,label\n0,1,a\n0.5,zero,b\n") });
    await expect.poll(() => page.locator("#tr-status").textContent()).toBe('Could not load broken.csv: line 3: "zero" is not a number (column 2).');
    expect(await page.locator("#tr-counts").textContent()).toBe("40 training points, 0 test points");
    await page.screenshot({ path: `${ARTIFACTS}csv.png` });
    await page.selectOption("#tr-dataset", "circles");
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("100 training points, 0 test points");
    expect(new URL(page.url()).searchParams.get("data")).toBeNull();
    await page.close();
  });

  it("carries a small CSV in the link, to the bit, and says when one is too large and stays on the page", async () => {
    const page = await open("?view=train");
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("100 training points, 0 test points");
    // Numbers whose shortest decimal form is long: the link must give back the same doubles.
    const rows = Array.from({ length: 30 }, (_, i) => `${Math.sin(i) * 1.7},${Math.cos(i * 1.3) / 3},${i % 3 === 0 ? "a" : "b"}`);
    await page.setInputFiles("#tr-csv", { name: "small.csv", mimeType: "text/csv", buffer: Buffer.from(`x,y,label\n${rows.join("\n")}\n`) });
    await expect.poll(() => page.locator("#tr-counts").textContent()).toBe("30 training points, 0 test points");
    expect(await page.locator("#tr-data-note").textContent()).toBe("The link carries small.csv: anyone who opens it trains on the same points.");
    const link = page.url();
    expect(new URL(link).searchParams.get("data")).toBe(`small.csv\nx,y,label\n${rows.join("\n")}`);
    await stepTimes(page, 2);
    const loss = await page.locator("#tr-loss-value").textContent();
    // Opened afresh, the link trains on the same points to the same loss.
    const again = await open(new URL(link).search);
    await expect.poll(() => again.locator("#tr-status").textContent()).toBe("Training on small.csv: 30 points, classes a, b.");
    await stepTimes(again, 2);
    expect(await again.locator("#tr-loss-value").textContent()).toBe(loss);
    await again.close();
    // 1000 points do not fit in a link: the page says they stay here, and the link carries none.
    const many = Array.from({ length: 1000 }, (_, i) => `${Math.sin(i) * 1.7},${Math.cos(i * 1.3) / 3},${i % 2 === 0 ? "a" : "b"}`);
    await page.setInputFiles("#tr-csv", { name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(`x,y,label\n${many.join("\n")}\n`) });
    await expect.poll(() => page.locator("#tr-data-note").textContent()).toBe("big.csv stays on this page: its 1000 points do not fit in a link (at most 8000 characters), so the link gives the setup without them.");
    expect(new URL(page.url()).searchParams.get("data")).toBeNull();
    await page.close();
    // A link whose points do not read is named, and the dataset shown instead.
    const broken = await open("?view=train&data=x.csv%0Ax%2Cy%2Clabel%0A1%2Cone%2Ca");
    await expect.poll(() => broken.locator("#tr-status").textContent()).toContain("The link's data=");
    expect(await broken.locator("#tr-status").textContent()).toContain('line 2: "one" is not a number');
    await broken.close();
  });
});

describe("Divergence guard", () => {
  it("pauses a run whose loss explodes (SGD at a learning rate of 10, linear activations) and says what to try; the page keeps working", async () => {
    const page = await open("?view=train&optimizer=sgd&lr=10&loss=hinge&activation=linear");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("0");
    await page.click("#tr-play");
    await expect.poll(() => page.locator("#tr-status").textContent(), { timeout: 20_000 }).toMatch(/^Training stopped: the loss exploded from .* lower the learning rate \(now 10\) or try Adam, then Reset\.$/);
    await expect.poll(() => page.locator("#tr-play").textContent()).toBe("Play");
    await page.screenshot({ path: `${ARTIFACTS}divergence.png` });
    await page.click("#tr-reset");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("0");
    await page.close();
  });

  it("pauses a run that never explodes but stays above its starting loss (Adam at a learning rate of 10)", async () => {
    const page = await open("?view=train&optimizer=adam&lr=10&loss=hinge");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("0");
    await page.click("#tr-play");
    await expect.poll(() => page.locator("#tr-status").textContent(), { timeout: 20_000 })
      .toMatch(/^Training stopped: the loss has stayed above where it started \(.*\) for the last 200 steps, at .* on average: lower the learning rate \(now 10\), then Reset\.$/);
    await expect.poll(() => page.locator("#tr-play").textContent()).toBe("Play");
    await page.close();
  });
});

/** The hinge loss of point (x₁, x₂) of class `c` through a saved network, computed by hand. */
const handLoss = (model: MLPJSON, x: number[], c: number): number => {
  let inputs = x;
  let at = 0;
  model.nouts.forEach((width, l) => {
    const last = l === model.nouts.length - 1;
    inputs = Array.from({ length: width }, () => {
      let z = 0;
      for (const xi of inputs) z += (model.parameters[at++] as number) * xi;
      z += model.parameters[at++] as number;
      return last || z > 0 ? z : 0;
    });
  });
  return Math.max(0, 1 - (c > 0 ? 1 : -1) * (inputs[0] as number));
};

describe("Inspect one prediction", () => {
  it("clicking a point opens its forward pass and loss in the Backprop view, with backward and step by step", async () => {
    const page = await open("?view=train&dataset=moons&n=100&noise=0.1&seed=0&layers=4,4&test=0");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("0");
    await stepTimes(page, 3);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#tr-download-json")]);
    await download.saveAs(`${ARTIFACTS}inspected-model.json`);
    const model = JSON.parse(readFileSync(`${ARTIFACTS}inspected-model.json`, "utf8")) as MLPJSON;

    // Where point 1 is drawn: the plot spans the points' range plus 0.4 on each side.
    const data = moons({ n: 100, noise: 0.1, seed: 0 });
    const xs = data.x.map((p) => p[0] as number);
    const ys = data.x.map((p) => p[1] as number);
    const [x0, x1, y0, y1] = [Math.min(...xs) - 0.4, Math.max(...xs) + 0.4, Math.min(...ys) - 0.4, Math.max(...ys) + 0.4];
    const [px, py] = data.x[0] as [number, number];
    const box = await page.locator("#tr-heatmap").boundingBox();
    if (!box) throw new Error("the plot is not shown");
    await page.click("#tr-heatmap", { position: { x: ((px - x0) / (x1 - x0)) * box.width, y: ((y1 - py) / (y1 - y0)) * box.height } });

    await page.locator("#backprop").waitFor();
    await expect.poll(() => page.locator("#bp-inspected-text").textContent()).toContain("Point 1 (x₁ = ");
    expect(await page.locator("#bp-inspected-text").textContent()).toContain("at step 3");
    expect(new URL(page.url()).searchParams.get("points")).toBeNull();
    const loss = handLoss(model, [px, py], data.y[0] as number);
    await expect.poll(() => page.locator("#bp-status").textContent()).toBe(`loss = ${loss.toFixed(4)}`);
    await page.locator("#bp-graph svg").waitFor({ timeout: 20_000 });

    await page.click("#bp-backward");
    await expect.poll(() => gradOf(page, "loss")).toBe("1.0000");
    // ∂loss/∂x₁ by central differences of the hand-written forward pass.
    const h = 1e-6;
    const slope = (handLoss(model, [px + h, py], data.y[0] as number) - handLoss(model, [px - h, py], data.y[0] as number)) / (2 * h);
    expect(Number(await gradOf(page, "x1"))).toBeCloseTo(slope, 3);
    // The output's bias gets -y wherever the margin is short of 1, as the hinge's derivative says.
    expect(Number(await gradOf(page, "b3.1"))).toBe(loss > 0 ? -(data.y[0] as number > 0 ? 1 : -1) : 0);
    // The drawing follows: the loss's box (scrolled into view) shows its grad.
    await expect.poll(() => page.locator("#bp-graph").textContent()).toMatch(/loss\s+data [\d.]+\s+grad 1\.0000/);
    await page.screenshot({ path: `${ARTIFACTS}inspect-prediction.png`, fullPage: true });

    await page.click("#bp-step");
    await expect.poll(() => page.locator("#bp-explain").textContent()).toMatch(/^Step 1 of \d+: loss = /);
    await page.locator("#bp-graph g.node.current").first().waitFor();

    // The keyboard's way to the same place: a point's number and the Inspect button.
    await page.click('nav [data-view="train"]');
    await page.fill("#tr-inspect-index", "2");
    await page.click("#tr-inspect");
    await expect.poll(() => page.locator("#bp-inspected-text").textContent()).toContain("Point 2 (x₁ = ");
    await expect.poll(() => page.locator("#bp-status").textContent()).toBe(`loss = ${handLoss(model, data.x[1] as number[], data.y[1] as number).toFixed(4)}`);
    // Build goes back to the expression.
    await page.click("#bp-build");
    await expect.poll(() => page.locator("#bp-status").textContent()).toBe("o = 0.7071");
    expect(await page.locator("#bp-inspected").isHidden()).toBe(true);
    await page.close();
  });
});

describe("Inspecting a point teaches", () => {
  it("starts on the highest-loss point, names every unit, says why a met margin gives no gradient, and zooms to fit", async () => {
    const page = await open("?view=train&dataset=moons&n=100&noise=0.1&seed=0&layers=4,4&test=0");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("0");
    // Three steps in, some points are still on the wrong side or inside the margin.
    await stepTimes(page, 3);
    const saved = async (name: string) => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#tr-download-json")]);
      await download.saveAs(`${ARTIFACTS}${name}`);
      return JSON.parse(readFileSync(`${ARTIFACTS}${name}`, "utf8")) as MLPJSON;
    };
    const data = moons({ n: 100, noise: 0.1, seed: 0 });
    let model = await saved("inspected-worst.json");
    let losses = data.x.map((x, i) => handLoss(model, x, data.y[i] as number));
    const worst = losses.indexOf(Math.max(...losses));
    expect(losses[worst]).toBeGreaterThan(0);

    await page.click("#tr-inspect-worst");
    await expect.poll(() => page.locator("#bp-inspected-text").textContent()).toContain(`Point ${worst + 1} (x₁ = `);
    await expect.poll(() => page.locator("#bp-status").textContent()).toBe(`loss = ${(losses[worst] as number).toFixed(4)}`);
    for (const unit of ["h1.1", "z1.1", "h2.4", "z2.4", "out"]) expect(await page.locator(`#bp-values tr[data-label="${unit}"]`).count()).toBe(1);
    expect(await page.locator("#bp-inspected-text").textContent()).not.toContain("hinge loss is 0");
    await page.locator("#bp-graph svg").waitFor({ timeout: 20_000 });
    const width = () => page.locator("#bp-graph svg").evaluate((svg) => svg.getBoundingClientRect().width);
    await page.click("#bp-zoom-fit");
    const frame = await page.locator("#bp-graph").evaluate((g) => g.clientWidth);
    const fitted = await width();
    expect(fitted).toBeLessThanOrEqual(frame);
    expect(fitted).toBeGreaterThan(frame - 40);
    await page.click("#bp-zoom-in");
    expect(await width()).toBeCloseTo(fitted * 1.25, 0);
    await page.screenshot({ path: `${ARTIFACTS}inspect-worst.png` });

    // Trained on, points meet their margin: loss 0, every gradient 0, and the page says why.
    await page.click('nav [data-view="train"]');
    await page.click("#tr-play");
    await expect.poll(() => page.locator("#tr-accuracy").textContent(), { timeout: 30_000 }).toBe("100.0%");
    await page.click("#tr-play");
    await expect.poll(() => page.locator("#tr-play").textContent()).toBe("Play");
    model = await saved("inspected-easy.json");
    losses = data.x.map((x, i) => handLoss(model, x, data.y[i] as number));
    const easy = losses.indexOf(0);
    expect(easy).toBeGreaterThanOrEqual(0);
    await page.fill("#tr-inspect-index", String(easy + 1));
    await page.click("#tr-inspect");
    await expect.poll(() => page.locator("#bp-inspected-text").textContent()).toContain(`Point ${easy + 1} (x₁ = `);
    expect(await page.locator("#bp-inspected-text").textContent()).toContain("Its hinge loss is 0: the point is on the right side with a margin of at least 1, so every gradient is 0");
    await page.close();
  }, 60_000);
});

describe("Take it with you", () => {
  it("downloads the trained model as micrograd JSON and as ONNX that runs in ONNX Runtime with the same answers", async () => {
    const page = await open("?view=train&dataset=blobs&n=60&layers=8&loss=crossEntropy&seed=3");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("0");
    await stepTimes(page, 5);
    const [json] = await Promise.all([page.waitForEvent("download"), page.click("#tr-download-json")]);
    const [onnx] = await Promise.all([page.waitForEvent("download"), page.click("#tr-download-onnx")]);
    expect([json.suggestedFilename(), onnx.suggestedFilename()]).toEqual(["micrograd-blobs.json", "micrograd-blobs.onnx"]);
    await json.saveAs(`${ARTIFACTS}micrograd-blobs.json`);
    await onnx.saveAs(`${ARTIFACTS}micrograd-blobs.onnx`);
    const model = MLP.fromJSON(readFileSync(`${ARTIFACTS}micrograd-blobs.json`, "utf8"));
    const session = await ort.InferenceSession.create(`${ARTIFACTS}micrograd-blobs.onnx`);
    const points = [[-1, 2], [0.5, -0.25], [3, 1]];
    expect(session.inputNames).toEqual(["x1", "x2"]);
    // The page names what the file holds.
    expect(await page.locator("#tr-status").textContent()).toBe(`Saved the model as ONNX: inputs ${session.inputNames.join(", ")} (double [N, 1] each); outputs ${session.outputNames.join(", ")}.`);
    const out = await session.run({
      x1: new ort.Tensor("float64", Float64Array.from(points.map((p) => p[0] as number)), [3, 1]),
      x2: new ort.Tensor("float64", Float64Array.from(points.map((p) => p[1] as number)), [3, 1]),
    });
    const expected = points.map((p) => model.forward(p).map((v) => v.data));
    (out.scores?.data as Float64Array).forEach((s, i) => expect(Math.abs(s - (expected.flat()[i] as number))).toBeLessThanOrEqual(1e-12));
    expect(out.label?.data).toEqual(expected.map((z) => String(z.indexOf(Math.max(...z)))));
    await page.screenshot({ path: `${ARTIFACTS}take-it-with-you.png` });
    await page.close();
  });

  it("names a hinge model's ONNX outputs as the file has them: no probabilities", async () => {
    const page = await open("?view=train");
    await expect.poll(() => page.locator("#tr-step-count").textContent()).toBe("0");
    const [onnx] = await Promise.all([page.waitForEvent("download"), page.click("#tr-download-onnx")]);
    await onnx.saveAs(`${ARTIFACTS}micrograd-moons.onnx`);
    const session = await ort.InferenceSession.create(`${ARTIFACTS}micrograd-moons.onnx`);
    expect([...session.outputNames].sort()).toEqual(["label", "scores"]);
    await expect.poll(() => page.locator("#tr-status").textContent()).toBe(`Saved the model as ONNX: inputs x1, x2 (double [N, 1] each); outputs ${session.outputNames.join(", ")}.`);
    expect(await page.locator("#tr-status").textContent()).not.toContain("probabilities");
    await page.close();
  });
});

describe("Lessons", () => {
  it("the AND-gate lesson reaches its stated result", async () => {
    const page = await open("?view=lessons");
    await page.click("#lesson-and-train");
    await expect.poll(() => page.locator("#lesson-and-result").textContent(), { timeout: 30_000 }).toContain("Reached: all 4 rows right");
    await page.click("#lesson-perceptron-train");
    await expect.poll(() => page.locator("#lesson-perceptron-result").textContent(), { timeout: 30_000 }).toContain("Reached");
    await page.screenshot({ path: `${ARTIFACTS}lessons.png`, fullPage: true });
    await page.close();
  });
});

describe("determinism", () => {
  it("gives bit-identical weights in Chromium and in Node for the same seed", async () => {
    const built = (pkg: string) => readFileSync(fileURLToPath(new URL(`../../../packages/${pkg}/dist/index.js`, import.meta.url)), "utf8");
    const url = (code: string) => `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`;
    const page = await browser.newPage();
    await page.setContent(`
      <script type="importmap">${JSON.stringify({ imports: { "@micrograd/engine": url(built("engine")) } })}</script>
      <script type="module">
        import { MLP } from "${url(built("nn"))}";
        window.weights = ["uniform", "xavier", "he"].map((init) => new MLP(2, [16, 16, 1], { seed: 42, init }).parameters().map((p) => p.data));
      </script>`);
    await page.waitForFunction(() => "weights" in window);
    const inBrowser = await page.evaluate(() => (window as unknown as { weights: number[][] }).weights);
    const inNode = (["uniform", "xavier", "he"] as const).map((init) => new MLP(2, [16, 16, 1], { seed: 42, init }).parameters().map((p) => p.data));
    expect(inBrowser).toEqual(inNode);
    await page.close();
  });
});

describe("quality", () => {
  it("gives every element its own id", async () => {
    const page = await open("?view=train");
    await page.locator("#tr-network svg").waitFor();
    const repeated = await page.evaluate(() => {
      const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
      return ids.filter((id, i) => ids.indexOf(id) !== i);
    });
    expect(repeated).toEqual([]);
    await page.close();
  });

  it("loads Graphviz's WebAssembly only when a graph is drawn", async () => {
    const requested: string[] = [];
    const page = await browser.newPage();
    page.on("request", (r) => requested.push(new URL(r.url()).pathname));
    await page.goto(`${base}?view=train`);
    await page.locator("#tr-network svg").waitFor();
    await expect.poll(() => page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    const graphviz = () => requested.filter((p) => /\/viz-[^/]*\.js$/.test(p));
    expect(graphviz()).toEqual([]);
    await page.click('nav [data-view="backprop"]');
    await page.locator("#bp-graph svg").waitFor();
    expect(graphviz()).toHaveLength(1);
    await page.close();
  });

  it("reaches every control with Tab, the network drawing as one stop with arrow keys inside, with the focus visible", async () => {
    const page = await open("?view=train&layers=2");
    await page.locator("#tr-network rect.neuron").first().waitFor();
    /** The focused element: a name for it, whether its focus shows, whether it is in the drawing. */
    const focused = () => page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      if (!e || e === document.body) return null;
      const style = getComputedStyle(e);
      // Visible focus: an outline, or (in the drawing) the element's own stroke in the focus colour.
      const marked = (style.outlineStyle !== "none" && style.outlineWidth !== "0px") || style.stroke === "rgb(255, 176, 0)";
      const key = e.id || `${e.tagName.toLowerCase()}${e.classList[0] ? `.${e.classList[0]}` : ""}${e.closest("#tr-network") ? "" : `:${(e.getAttribute("aria-label") ?? e.textContent ?? "").slice(0, 40)}`}`;
      return { key, marked, inDrawing: e.closest("#tr-network") !== null };
    });
    const stops: string[] = [];
    let unmarked = 0;
    let drawingStops = 0;
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press("Tab");
      const f = await focused();
      if (!f) continue;
      if (stops.includes(f.key)) break;
      stops.push(f.key);
      if (!f.marked) unmarked += 1;
      if (f.inDrawing) drawingStops += 1;
    }
    for (const key of ["tr-problem", "tr-lr", "tr-play", "tr-step", "tr-download-onnx", "tr-csv", "tr-inspect", "rect.feature", 'button:Add a hidden layer']) expect(stops).toContain(key);
    expect(drawingStops).toBe(1);
    // Skip link, three views, two links to the source and docs, then Play.
    expect(stops.indexOf("tr-play")).toBeLessThanOrEqual(6);
    expect(unmarked).toBe(0);
    // The skip link jumps over the header: Enter on it, then Tab, is Play.
    await page.goto(`${base}?view=train&layers=2`);
    await page.keyboard.press("Tab");
    expect((await focused())?.key).toBe("a.skip-link:Skip to the view");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect((await focused())?.key).toBe("tr-play");
    // Inside the drawing, the arrow keys reach features, links and neurons, each visibly focused.
    await page.locator('#tr-network rect.feature[data-feature="x1"]').focus();
    const inside = new Map<string, boolean>();
    for (const key of ["ArrowDown", "ArrowRight", "ArrowDown", "ArrowRight", "ArrowRight", "ArrowRight", "End", "Home"]) {
      await page.keyboard.press(key);
      const f = await focused();
      if (f) inside.set(f.key.split(".")[0] === "rect" ? f.key : f.key.split(".")[0] as string, f.marked && f.inDrawing);
    }
    expect([...inside.keys()].sort()).toEqual(["line", "rect.feature", "rect.neuron"]);
    expect([...inside.values()].every(Boolean)).toBe(true);
    writeFileSync(`${ARTIFACTS}tab-stops.txt`, `${stops.length} Tab stops in the Train view: ${stops.join(" ")}\n`);
    await page.close();
  });

  it("passes axe-core with no violation in every view, at a laptop's and a phone's size", async () => {
    const axe = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
    /** axe-core's violations on the page as it is now: rule, impact, and the elements. */
    const violations = async (page: Page) => {
      await page.addScriptTag({ path: axe });
      return page.evaluate(async () => {
        const result = await (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } })
          .axe.run(document, { resultTypes: ["violations"] });
        return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
      });
    };
    // The check itself can see: a page with an image without words fails it.
    const control = await browser.newPage();
    await control.setContent('<!doctype html><html lang="en"><title>t</title><main><img src="data:,"></main></html>');
    expect((await violations(control)).join()).toContain("image-alt");
    await control.close();
    const found: string[] = [];
    for (const viewport of [{ width: 1366, height: 768 }, { width: 375, height: 667 }]) {
      for (const view of ["backprop", "train", "lessons"]) {
        const page = await open(`?view=${view}`, viewport);
        await page.waitForTimeout(1000);
        found.push(...(await violations(page)).map((v) => `${view} ${viewport.width}: ${v}`));
        await page.close();
      }
    }
    // And the states a user reaches: the weight editor open, a NaN in a graph, a finished lesson.
    const page = await open("?view=train&layers=2");
    await page.locator("#tr-network line").first().click();
    await page.locator("#tr-weight-editor").waitFor();
    found.push(...(await violations(page)).map((v) => `weight editor: ${v}`));
    await page.goto(`${base}?view=backprop`);
    await page.fill("#bp-expression", "log(a - 2)");
    await page.click("#bp-build");
    await page.locator("#bp-graph g.not-finite").first().waitFor();
    found.push(...(await violations(page)).map((v) => `NaN graph: ${v}`));
    await page.close();
    expect(found).toEqual([]);
  }, 120_000);

  it("works offline: every view asks nothing of any other host", async () => {
    const elsewhere: string[] = [];
    const page = await browser.newPage();
    await page.route("**/*", (route) => {
      if (new URL(route.request().url()).origin === new URL(base).origin) return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    await page.goto(`${base}?view=backprop`);
    await page.locator("#bp-graph svg").waitFor();
    await page.click('nav [data-view="train"]');
    await expect.poll(() => page.locator("#tr-accuracy").textContent()).toMatch(/%$/);
    await page.click("#tr-inspect");
    await expect.poll(() => page.locator("#bp-status").textContent()).toMatch(/^loss = /);
    await page.click('nav [data-view="lessons"]');
    await page.click("#lesson-and-train");
    await page.waitForTimeout(500);
    expect(elsewhere).toEqual([]);
    await page.close();
  });

  it("labels every control and fits a phone's width", async () => {
    for (const view of ["backprop", "train", "lessons"]) {
      const page = await open(`?view=${view}`, { width: 390, height: 844 });
      await page.waitForTimeout(500);
      const unlabelled = await page.$$eval("input, select", (els) => els.filter((e) => !e.closest("label")).length);
      expect(unlabelled).toBe(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ARTIFACTS}phone-${view}.png`, fullPage: true });
      await page.close();
    }
  });

  it("logged no console errors or warnings", () => {
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
