import { backwardSteps, topologicalOrder, zeroGrad } from "@micrograd/engine";
import type { BackwardStep, Value } from "@micrograd/engine";
import { evaluateExpression, expressionVariables } from "@micrograd/expr";
import { toDot } from "@micrograd/viz";
import { el, field, fixed } from "./dom.js";
import { GraphLayout } from "./graph-layout.js";
import { notFiniteOrigins } from "./not-finite.js";

const SEED_EXPRESSION = "tanh(x1*w1 + x2*w2 + b)";
/** Values beyond which a graph is drawn at its own size, scrolling, rather than shrunk to fit. */
const LARGE_GRAPH = 60;
/**
 * Values beyond which Graphviz is not asked at all: such a graph is a wall of boxes, and its
 * layout takes seconds to minutes (a sum of 200 variables took 0.2 s, 50 copies of a*b 1.8 s).
 */
const NODE_BUDGET = 400;
/** How long a layout may take before it is stopped and the page says so instead. */
const LAYOUT_LIMIT_MS = 10_000;
const SEED_VALUES: Record<string, number> = { x1: 2, x2: 0, w1: -3, w2: 1, b: 6.8813735870195432 };

/** What the other views can ask of the Backprop view. */
export interface BackpropView {
  /**
   * Shows the graph `build` makes (built again by Forward) instead of an expression's, with
   * `description` saying what it is; Build goes back to the expression.
   */
  inspect(build: () => Value, description: string): void;
}

/** The Backprop view: seed 002's neuron (or any expression, or one prediction of the Train view) as a live graph, stepped node by node. */
export function mountBackprop(root: HTMLElement): BackpropView {
  const expression = el("input", { id: "bp-expression", type: "text", value: SEED_EXPRESSION, size: 34, spellcheck: false, autocomplete: "off" });
  const build = el("button", { type: "button", id: "bp-build" }, "Build");
  const variables = el("div", { class: "row", id: "bp-variables" });
  const forward = el("button", { type: "button", id: "bp-forward" }, "Forward");
  const backward = el("button", { type: "button", id: "bp-backward" }, "Backward");
  const step = el("button", { type: "button", id: "bp-step" }, "Step back one node");
  const reset = el("button", { type: "button", id: "bp-reset" }, "Reset grads");
  const status = el("p", { class: "status", id: "bp-status", "aria-live": "polite" });
  const explain = el("div", { class: "explain card", id: "bp-explain", "aria-live": "polite" }, "Press Backward to fill in every gradient, or Step back one node to watch the chain rule work one node at a time.");
  const values = el("table", { id: "bp-values" });
  const graph = el("div", { class: "graph", id: "bp-graph", role: "img", "aria-label": "computation graph" });
  const graphNote = el("p", { class: "hint", id: "bp-graph-note", "aria-live": "polite" });
  const stopLayout = el("button", { type: "button", id: "bp-stop-layout", hidden: true }, "Stop the layout");
  const zoomOut = el("button", { type: "button", id: "bp-zoom-out", "aria-label": "Zoom out" }, "−");
  const zoomIn = el("button", { type: "button", id: "bp-zoom-in", "aria-label": "Zoom in" }, "+");
  const zoomFit = el("button", { type: "button", id: "bp-zoom-fit" }, "Fit");
  /** The graph's scale against Graphviz's size; null: fitted when small, its own size (scrolling) when large. */
  let zoom: number | null = null;
  const layout = new GraphLayout();
  const inspectedText = el("span", { id: "bp-inspected-text" });
  const inspected = el("p", { class: "card", id: "bp-inspected", hidden: true }, inspectedText, " Press Build to go back to the expression.");

  root.append(
    el("h2", { id: "backprop-title" }, "Backprop, node by node"),
    el("p", {}, "Each box is a Value: its label, its data (forward pass) and its grad, ∂o/∂value (backward pass). Each oval is the operation that made the Value to its right. Edit the inputs, or type another expression — infix like a*b + c, or method style like (a*b + c).relu()."),
    el("div", { class: "row" }, field("Expression", expression), build),
    inspected,
    variables,
    el("div", { class: "row" }, forward, backward, step, reset),
    status,
    el("div", { class: "row" }, el("span", { class: "hint" }, "Graph size"), zoomOut, zoomFit, zoomIn, graphNote, stopLayout),
    graph,
    el("div", { class: "grid two" }, explain, el("div", {}, el("h3", {}, "Values"), values)),
  );

  const inputs = new Map<string, HTMLInputElement>();
  let output: Value | null = null;
  let stepper: Generator<BackwardStep, void, undefined> | null = null;
  let current: BackwardStep | null = null;
  let stepCount = 0;
  let renders = 0;
  /** The graph being shown when it is not the expression's: how to build it. */
  let source: (() => Value) | null = null;

  // Labels are sub-expressions (x1*w1 + b): parenthesise them inside ∂…/∂… and before .grad.
  const name = (v: Value, order: Value[]) => {
    const label = v.label || `v${order.indexOf(v)}`;
    return /^[A-Za-z_][A-Za-z_0-9]*$/.test(label) ? label : `(${label})`;
  };

  function readValues(): Record<string, number> {
    return Object.fromEntries([...inputs].map(([k, input]) => [k, Number(input.value)]));
  }

  /** Re-reads the expression: one number input per variable, keeping values already typed. */
  function rebuild(): void {
    source = null;
    zoom = null;
    inspected.hidden = true;
    variables.hidden = false;
    let names: string[];
    try {
      names = expressionVariables(expression.value);
    } catch (e) {
      fail(e);
      return;
    }
    const previous = readValues();
    inputs.clear();
    variables.replaceChildren();
    for (const n of names) {
      const input = el("input", { type: "number", step: "any", id: `bp-var-${n}`, value: String(previous[n] ?? SEED_VALUES[n] ?? 1) });
      input.addEventListener("change", runForward);
      inputs.set(n, input);
      variables.append(field(n, input));
    }
    runForward();
  }

  function runForward(): void {
    if (source) {
      try {
        output = source();
      } catch (e) {
        fail(e);
        return;
      }
      showForward();
      return;
    }
    const given = readValues();
    const bad = Object.entries(given).find(([, v]) => !Number.isFinite(v));
    if (bad) {
      fail(new Error(`${bad[0]} needs a number`));
      return;
    }
    try {
      output = evaluateExpression(expression.value, given).output;
    } catch (e) {
      fail(e);
      return;
    }
    output.label = "o";
    showForward();
  }

  function showForward(): void {
    stepper = null;
    current = null;
    explain.textContent = "Forward pass done: every Value holds its data; the grads are 0 until you go backward.";
    void render();
  }

  function runBackward(): void {
    if (!output) return;
    stepper = null;
    current = null;
    zeroGrad(topologicalOrder(output));
    output.backward();
    const o = output.label;
    explain.textContent = `Backward pass done: ${o}.grad = 1, and every other grad is ∂${o}/∂value — the sum, over every path to ${o}, of the products of local derivatives (the chain rule).`;
    void render();
  }

  function stepBack(): void {
    if (!output) return;
    const order = topologicalOrder(output);
    if (!stepper) {
      zeroGrad(order);
      stepper = backwardSteps(output);
      stepCount = 0;
    }
    const next = stepper.next();
    if (next.done) {
      stepper = null;
      current = null;
      explain.textContent = "Every node has passed its grad on: the backward pass is complete. Press Step again to start over.";
    } else {
      current = next.value;
      stepCount += 1;
      const total = order.filter((v) => v.op !== "").length;
      const node = current.node;
      const lines = [`Step ${stepCount} of ${total}: ${name(node, order)} = ${node.op}(…), its grad is ${fixed(node.grad)}`];
      for (const c of current.contributions) {
        lines.push(`  ∂${name(node, order)}/∂${name(c.child, order)} = ${fixed(c.local)} → adds ${fixed(node.grad)} × ${fixed(c.local)} = ${fixed(c.added)} to ${name(c.child, order)}.grad`);
      }
      explain.textContent = lines.join("\n");
    }
    void render();
  }

  function resetGrads(): void {
    if (!output) return;
    zeroGrad(topologicalOrder(output));
    stepper = null;
    current = null;
    explain.textContent = "All grads are 0 again.";
    void render();
  }

  /** The buttons that act on a graph: usable only while a graph is shown. */
  const graphButtons = [forward, backward, step, reset];

  /**
   * Shows what went wrong and takes the old graph away, with the buttons that act on it, until a
   * Build (or a fixed value) reads: a stale graph under a red message would look like an answer.
   */
  function fail(e: unknown): void {
    output = null;
    stepper = null;
    current = null;
    // A render still waiting for Graphviz must not bring the old graph back.
    renders += 1;
    layout.stop();
    stopLayout.hidden = true;
    graph.replaceChildren();
    graphNote.textContent = "";
    values.replaceChildren();
    for (const b of graphButtons) b.disabled = true;
    explain.textContent = "There is no graph until the expression and its values read: fix them and press Build.";
    status.textContent = e instanceof Error ? e.message : String(e);
    status.classList.add("error");
  }

  async function render(): Promise<void> {
    if (!output) return;
    const ticket = ++renders;
    const order = topologicalOrder(output);
    for (const b of graphButtons) b.disabled = false;
    // Where a NaN or an infinity enters the graph, and why: the number alone would not say.
    const broken = notFiniteOrigins(order, (v) => name(v, order));
    status.classList.toggle("error", broken.length > 0);
    status.textContent = [`${output.label} = ${fixed(output.data)}`, ...broken.map((b) => b.reason)].join(" — ");
    values.replaceChildren(
      el("tr", {}, el("th", {}, "Value"), el("th", {}, "data"), el("th", {}, "grad")),
      ...order.filter((v) => v.label !== "").map((v) => el("tr", { "data-label": v.label, class: Number.isFinite(v.data) ? "" : "bad" }, el("th", {}, v.label), el("td", {}, fixed(v.data)), el("td", {}, fixed(v.grad)))),
    );
    const described = summary(order);
    if (order.length > NODE_BUDGET) {
      layout.stop();
      graph.replaceChildren();
      graphNote.textContent = `${described}: more than ${NODE_BUDGET} values are not drawn — their layout takes minutes and shows a wall of boxes. The table lists the labelled ones; Forward, Backward and Step work as usual.`;
      return;
    }
    graphNote.textContent = `Laying out ${described}…`;
    stopLayout.hidden = false;
    const result = await layout.render(toDot(output), LAYOUT_LIMIT_MS);
    if (ticket !== renders) return;
    stopLayout.hidden = true;
    if (result.kind !== "svg") {
      graph.replaceChildren();
      graphNote.textContent = result.kind === "timeout"
        ? `Graphviz had not laid out ${described} after ${result.limitMs / 1000} s, so it was stopped. The table lists the labelled values; Forward, Backward and Step work as usual.`
        : result.kind === "stopped"
          ? "The layout was stopped: the table lists the labelled values. Build again to draw the graph."
          : `Graphviz could not lay out the graph: ${result.message}`;
      return;
    }
    graphNote.textContent = "";
    // Parsed as SVG, never as HTML: Graphviz has escaped every label already.
    const doc = new DOMParser().parseFromString(result.svg, "image/svg+xml");
    graph.replaceChildren(document.importNode(doc.documentElement, true));
    graph.classList.toggle("large", order.length > LARGE_GRAPH);
    applyZoom();
    if (order.length > LARGE_GRAPH) centre(current ? `v${current.index}` : `v${order.length - 1}`);
    const classes = new Map<string, string>();
    for (const b of broken) for (const id of [`v${b.index}`, `v${b.index}_op`]) classes.set(id, "not-finite");
    if (current) {
      classes.set(`v${current.index}`, "current").set(`v${current.index}_op`, "current");
      for (const c of current.contributions) classes.set(`v${order.indexOf(c.child)}`, "operand");
    }
    for (const g of graph.querySelectorAll("g.node")) {
      const cls = classes.get(g.querySelector("title")?.textContent ?? "");
      if (cls) g.classList.add(cls);
    }
  }

  /** "251 values (125 *, 124 +, 2 leaves)": a graph in one line, for when it is not drawn. */
  function summary(order: readonly Value[]): string {
    const counts = new Map<string, number>();
    for (const v of order) counts.set(v.op || "leaf", (counts.get(v.op || "leaf") ?? 0) + 1);
    const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${n} ${op === "leaf" && n > 1 ? "leaves" : op}`);
    return `${order.length} values (${parts.join(", ")})`;
  }

  /** Graphviz's own width of the graph shown, in CSS pixels (its SVG says points). */
  const naturalWidth = () => (parseFloat(graph.querySelector("svg")?.getAttribute("width") ?? "0") * 4) / 3;

  /** Sizes the graph shown at the chosen scale. */
  function applyZoom(): void {
    const svg = graph.querySelector("svg");
    if (!svg) return;
    svg.style.maxWidth = zoom === null ? "" : "none";
    svg.style.width = zoom === null ? "" : `${naturalWidth() * zoom}px`;
  }

  /** Scales the graph by `factor` from the size it is shown at. */
  function zoomBy(factor: number): void {
    const shown = graph.querySelector("svg")?.getBoundingClientRect().width ?? 0;
    if (naturalWidth() === 0 || shown === 0) return;
    zoom = (shown / naturalWidth()) * factor;
    applyZoom();
  }

  /** Scrolls a large graph so that the node with id `id` (the current step's, or the root) is in the middle. */
  function centre(id: string): void {
    const node = [...graph.querySelectorAll("g.node")].find((g) => g.querySelector("title")?.textContent === id);
    if (!node) return;
    const box = node.getBoundingClientRect();
    const frame = graph.getBoundingClientRect();
    graph.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
    graph.scrollTop += box.top + box.height / 2 - (frame.top + frame.height / 2);
  }

  stopLayout.addEventListener("click", () => layout.stop());
  zoomIn.addEventListener("click", () => zoomBy(1.25));
  zoomOut.addEventListener("click", () => zoomBy(0.8));
  zoomFit.addEventListener("click", () => {
    // The whole graph in the frame's width, however large.
    const natural = naturalWidth();
    if (natural === 0) return;
    const frame = graph.clientWidth - 16;
    zoom = frame / natural;
    applyZoom();
  });
  build.addEventListener("click", rebuild);
  expression.addEventListener("keydown", (e) => {
    if (e.key === "Enter") rebuild();
  });
  forward.addEventListener("click", runForward);
  backward.addEventListener("click", runBackward);
  step.addEventListener("click", stepBack);
  reset.addEventListener("click", resetGrads);
  rebuild();
  return {
    inspect(build, description) {
      source = build;
      zoom = null;
      inspectedText.textContent = description;
      inspected.hidden = false;
      variables.hidden = true;
      runForward();
    },
  };
}
