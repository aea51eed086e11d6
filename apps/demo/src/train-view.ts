import type { Value } from "@micrograd/engine";
import {
  ACTIVATIONS, DATASETS, FEATURE_NAMES, LEARNING_RATES, LOSSES, MAX_LAYERS, MAX_NEURONS, OPTIMIZERS, PROBLEMS, REGRESSION_DATASETS, REGULARIZATIONS,
  REGULARIZATION_RATES, TEST_SHARES, configProblems, effectiveLoss, featurize, layersText, readConfig, writeConfig,
} from "./config.js";
import type { TrainConfig } from "./config.js";
import { el, field, fixed, select } from "./dom.js";
import { classColour, drawCurves, drawHeatmap, drawNeuronMap, pointAt } from "./draw.js";
import type { CurvePoint } from "./draw.js";
import { LINK_DATA_LIMIT, parsePoints, pointsForLink, pointsFromLink } from "./csv.js";
import { NetworkDrawing } from "./network.js";
import type { CustomData, FromWorker, Point, ToWorker, TrainState } from "./protocol.js";

/** Opens a graph in the Backprop view: how to build it, and what it shows. */
export type Inspect = (build: () => Value, description: string) => void;

/**
 * How the page names neuron `k` (counted over all layers, as the snapshot's maps): `h1.3` for
 * hidden layer 1's third unit, `the output` (or `output 2` of several).
 */
export function unitName(sizes: readonly number[], k: number): string {
  let left = k;
  for (let l = 1; l < sizes.length; l++) {
    const n = sizes[l] as number;
    if (left < n) {
      if (l < sizes.length - 1) return `h${l}.${left + 1} (unit ${left + 1} of hidden layer ${l})`;
      return n === 1 ? "the output" : `output ${left + 1}`;
    }
    left -= n;
  }
  return `neuron ${k + 1}`;
}

/** The least time between two drawings, in ms: every other frame of a 60 Hz screen, 30 a second. */
const FRAME_MS = 30;

/** What the loss field shows for a regression, the only loss it trains on. */
const REGRESSION_LOSS = "mse";

/**
 * The Train view: a network learning a 2-D dataset in a Web Worker, with every setting in the URL.
 * A click on a data point hands that point's prediction to `inspect`.
 */
export function mountTrain(root: HTMLElement, inspect: Inspect): void {
  let config = readConfig(new URL(location.href).searchParams);
  const worker = new Worker(new URL("./train-worker.ts", import.meta.url), { type: "module" });
  /** Messages sent to the worker so far: a snapshot that has handled them all tells the truth about playing. */
  let sent = 0;
  const send = (message: ToWorker) => {
    sent += 1;
    worker.postMessage(message);
  };

  const datasetsOf = (problem: TrainConfig["problem"]): readonly string[] => (problem === "regression" ? REGRESSION_DATASETS : DATASETS);
  // A regression always trains on the mean squared error: the loss field says so and offers nothing else.
  const lossesOf = (problem: TrainConfig["problem"]): readonly string[] => (problem === "regression" ? [REGRESSION_LOSS] : LOSSES);
  const controls = {
    problem: select("tr-problem", PROBLEMS, config.problem),
    dataset: select("tr-dataset", datasetsOf(config.problem), config.dataset),
    n: el("input", { id: "tr-n", type: "number", min: 10, max: 1000, step: 10, value: config.n }),
    noise: el("input", { id: "tr-noise", type: "number", min: 0, max: 1, step: 0.05, value: config.noise }),
    layers: el("input", { id: "tr-layers", type: "text", value: layersText(config.layers), size: 8, inputmode: "numeric" }),
    activation: select("tr-activation", ACTIVATIONS, config.activation),
    loss: select("tr-loss", lossesOf(config.problem), config.problem === "regression" ? REGRESSION_LOSS : config.loss),
    optimizer: select("tr-optimizer", OPTIMIZERS, config.optimizer),
    lr: select("tr-lr", LEARNING_RATES.map(String), String(config.lr)),
    batch: el("input", { id: "tr-batch", type: "number", min: 0, step: 1, value: config.batch }),
    regularization: select("tr-regularization", REGULARIZATIONS, config.regularization),
    rate: select("tr-rate", REGULARIZATION_RATES.map(String), String(config.rate)),
    seed: el("input", { id: "tr-seed", type: "number", min: 0, step: 1, value: config.seed }),
    // The test share as a percentage, as Playground shows its ratio.
    test: select("tr-test", TEST_SHARES.map((t) => String(Math.round(t * 100))), String(Math.round(config.test * 100))),
  };
  controls.loss.disabled = config.problem === "regression";
  const showTest = el("input", { id: "tr-show-test", type: "checkbox", checked: config.showTest });
  const discretize = el("input", { id: "tr-discretize", type: "checkbox", checked: config.discretize });
  const featureBoxes = FEATURE_NAMES.map((f) => [f, el("input", { id: `tr-feature-${f.replace(/\W/g, "")}`, type: "checkbox", checked: config.features.includes(f) })] as const);
  const play = el("button", { type: "button", id: "tr-play" }, "Play");
  const stepButton = el("button", { type: "button", id: "tr-step" }, "Step");
  const reset = el("button", { type: "button", id: "tr-reset" }, "Reset");
  const downloadJson = el("button", { type: "button", id: "tr-download-json" }, "Download model (JSON)");
  const downloadOnnx = el("button", { type: "button", id: "tr-download-onnx" }, "Download model (ONNX)");
  const copyLink = el("button", { type: "button", id: "tr-copy-link" }, "Copy setup link");
  const csvInput = el("input", { id: "tr-csv", type: "file", accept: ".csv,text/csv" });
  const addX = el("input", { id: "tr-add-x", type: "number", step: "any", value: 0 });
  const addY = el("input", { id: "tr-add-y", type: "number", step: "any", value: 0 });
  const addLabel = el("input", { id: "tr-add-label", type: "number", step: "any", value: 0 });
  const addButton = el("button", { type: "button", id: "tr-add" }, "Add the point");
  const addErrors = [addX, addY, addLabel].map((input) => {
    const message = el("span", { class: "field-error", id: `${input.id}-error` });
    input.setAttribute("aria-describedby", message.id);
    return message;
  });
  const addLabelName = el("span", {}, "Class");
  const inspectIndex = el("input", { id: "tr-inspect-index", type: "number", min: 1, step: 1, value: 1 });
  const inspectButton = el("button", { type: "button", id: "tr-inspect" }, "Inspect its prediction");
  const inspectWorstButton = el("button", { type: "button", id: "tr-inspect-worst" }, "Inspect the highest-loss point");
  /** Points loaded from a CSV, used instead of the dataset until another dataset is picked. */
  let custom: CustomData | null = null;
  /** Class `k` as the page names it: the CSV's label, or "class k". */
  const className = (k: number) => custom?.classes[k] ?? `class ${k}`;
  const stepOut = el("strong", { id: "tr-step-count" }, "0");
  const epochOut = el("strong", { id: "tr-epoch" }, "0");
  const lossOut = el("strong", { id: "tr-loss-value" }, "—");
  const accuracyOut = el("strong", { id: "tr-accuracy" }, "—");
  const testLossOut = el("strong", { id: "tr-test-loss" }, "—");
  const penaltyOut = el("strong", { id: "tr-penalty" }, "—");
  const penaltyName = el("span", { id: "tr-penalty-name" }, "penalty");
  const counts = el("p", { class: "hint", id: "tr-counts" });
  const dataNote = el("p", { class: "hint", id: "tr-data-note", "aria-live": "polite" });
  const legend = el("p", { class: "legend", id: "tr-legend" });
  const status = el("p", { class: "status", id: "tr-status", "aria-live": "polite" });
  const heatmap = el("canvas", { class: "heatmap", id: "tr-heatmap", width: 480, height: 480, "aria-label": "decision boundary; click to add a point, shift-click for the other class" });
  const curves = el("canvas", { id: "tr-curves", width: 480, height: 180, "aria-label": "loss and accuracy curves" });
  const network = el("div", { class: "network", id: "tr-network" });
  const shape = el("div", { class: "row shape", id: "tr-shape" });
  const weightValue = el("input", { id: "tr-weight-value", type: "number", step: "any" });
  const weightSet = el("button", { type: "button", id: "tr-weight-set" }, "Set weight");
  const weightLabel = el("span", { id: "tr-weight-label" }, "Weight");
  const weightClose = el("button", { type: "button", id: "tr-weight-close", "aria-label": "Close the weight editor" }, "Close");
  const weightError = el("span", { class: "field-error", id: "tr-weight-value-error" });
  weightValue.setAttribute("aria-describedby", weightError.id);
  const weightEditor = el("div", { class: "row", id: "tr-weight-editor", hidden: true }, el("label", { class: "field" }, weightLabel, weightValue, weightError), weightSet, weightClose);
  /** The pending animation frame that will draw the newest snapshot (0: none). */
  let frame = 0;
  /** The neuron the pointer or focus is on, whose map the main plot shows instead (null: none). */
  let hovered: number | null = null;
  /** The main plot: the decision boundary, or the hovered neuron's map. */
  const drawPlot = () => {
    if (!latest) return;
    if (hovered === null) drawHeatmap(heatmap, latest, config.showTest, config.discretize);
    else drawNeuronMap(heatmap, latest, hovered, config.showTest);
  };
  const plotCaption = el("p", { class: "hint", id: "tr-plot-caption", "aria-live": "polite", hidden: true });
  const hover = (neuron: number | null) => {
    hovered = neuron;
    drawing.highlight(neuron);
    // The plot says whose map it shows, with that map's own legend in place of the classes'.
    const name = neuron === null || !latest ? null : unitName(latest.sizes, neuron);
    plotCaption.hidden = name === null;
    legend.hidden = name !== null;
    plotCaption.textContent = name === null ? "" : `The plot shows ${name}: orange where its output is negative, white at 0, blue where it is positive, as strong as its largest size.`;
    drawPlot();
  };
  const linkInfo = el("p", { class: "hint", id: "tr-link-info", "aria-live": "polite" });
  const drawing = new NetworkDrawing(network, {
    link: editLink,
    neuron: hover,
    linkShown: (weight) => {
      linkInfo.textContent = weight === null ? "" : `${weight[0]?.toUpperCase()}${weight.slice(1)} (click or press Enter to edit it)`;
    },
    feature: (name) => {
      const box = featureBoxes.find(([f]) => f === name)?.[1];
      if (!box) return;
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change"));
    },
  });
  /** The link being edited: layer, neuron, input. */
  let editing: [number, number, number] | null = null;

  // Playground's layout: a bar of what runs and how fast it learns, then data, network and output
  // side by side; on a phone, the output comes right under the bar (see style.css).
  root.append(
    el("h2", { id: "train-title", class: "visually-hidden" }, "Train a network"),
    el("div", { class: "train-layout" },
      el("div", { class: "topbar", id: "tr-topbar" },
        el("div", { class: "bar", role: "group", "aria-label": "Training" }, play, stepButton, reset,
          el("div", { class: "counter" }, "epoch", epochOut), el("div", { class: "counter" }, "step", stepOut)),
        el("div", { class: "settings", role: "group", "aria-label": "How it learns" },
          field("Learning rate", controls.lr), field("Activation", controls.activation), field("Regularization", controls.regularization),
          field("Regularization rate", controls.rate), field("Problem type", controls.problem), field("Optimizer", controls.optimizer), field("Loss", controls.loss)),
        status),
      el("section", { class: "column data-column", "aria-labelledby": "tr-data-title" },
        el("h3", { id: "tr-data-title" }, "Data"),
        el("div", { class: "fields" },
          field("Dataset", controls.dataset), field("Points", controls.n), field("Noise", controls.noise), field("Test data (%)", controls.test),
          field("Batch size (0 = all)", controls.batch), field("Seed", controls.seed)),
        field("Show test points", showTest),
        field("Your data: a CSV of x, y, label (or drop it on the plot)", csvInput),
        dataNote,
        counts,
        el("fieldset", { class: "row add-point" }, el("legend", {}, "Add a point (or click the plot)"),
          el("label", { class: "field" }, el("span", {}, "x₁"), addX, addErrors[0] as HTMLElement),
          el("label", { class: "field" }, el("span", {}, "x₂"), addY, addErrors[1] as HTMLElement),
          el("label", { class: "field" }, addLabelName, addLabel, addErrors[2] as HTMLElement), addButton),
        el("div", { class: "row" }, field("Point number", inspectIndex), inspectButton, inspectWorstButton),
        el("div", { class: "row" }, downloadJson, downloadOnnx, copyLink)),
      el("section", { class: "column network-column", "aria-labelledby": "tr-network-title" },
        el("h3", { id: "tr-network-title" }, "Features and hidden layers"),
        el("fieldset", { class: "row features" }, el("legend", {}, "Input features"), ...featureBoxes.map(([f, box]) => field(f.replace("^2", "²"), box))),
        shape, network, linkInfo, weightEditor,
        field("Hidden layers (neurons; 0: none)", controls.layers)),
      el("section", { class: "column output-column", "aria-labelledby": "tr-output-title" },
        el("h3", { id: "tr-output-title" }, "Output"),
        el("div", { class: "metrics" }, el("div", {}, "training loss", lossOut), el("div", {}, "test loss", testLossOut), el("div", {}, penaltyName, penaltyOut), el("div", {}, "accuracy", accuracyOut)),
        curves, plotCaption, heatmap, el("div", { class: "legend-row" }, legend, field("Discretize output", discretize)),
        el("p", { class: "hint" }, "Training and test loss are the same data loss, on all their points with the weights of now; training minimises the training loss plus the penalty."))),
    el("details", { class: "hint" }, el("summary", {}, "How to use this page"),
      el("p", {}, "Pick a dataset and a network, then Play. The background shows what the network predicts everywhere; click a point to see the graph of its prediction and loss in the Backprop view, click elsewhere to add a point, shift-click to add one of the other class. Links are blue for positive weights, orange for negative, thicker for larger. The whole setup is in the address bar: share the link to share the setup.")),
  );
  // The plot and the curves are drawn at the size they are shown, sharp on any screen.
  const sharp = new ResizeObserver(() => {
    for (const canvas of [heatmap, curves]) {
      const scale = globalThis.devicePixelRatio || 1;
      const width = Math.round(canvas.clientWidth * scale);
      const height = Math.round(canvas.clientHeight * scale);
      if (width > 0 && (canvas.width !== width || canvas.height !== height)) [canvas.width, canvas.height] = [width, height];
    }
    drawAll();
  });
  sharp.observe(heatmap);
  sharp.observe(curves);

  /** Every snapshot since the last start, as the curves draw it. */
  const curvePoints: CurvePoint[] = [];
  let latest: TrainState | null = null;
  /** The points of the setup training now, as the worker last sent them. */
  let points: Point[] = [];
  let playing = false;

  function setPlaying(on: boolean): void {
    playing = on;
    play.textContent = on ? "Pause" : "Play";
  }

  /** The controls' values as URL parameters (the test share as a fraction). */
  function controlParams(): URLSearchParams {
    const params = new URLSearchParams(Object.entries(controls).map(([name, control]) => [name, control.value]));
    params.set("test", controls.test.value.trim() === "" ? "" : String(Number(controls.test.value) / 100));
    params.set("showTest", String(showTest.checked));
    params.set("discretize", String(discretize.checked));
    params.set("features", featureBoxes.filter(([, box]) => box.checked).map(([f]) => f).join(","));
    if (controls.problem.value === "regression") params.delete("loss");
    return params;
  }

  /** The setup the controls show, or null when one of them holds a value that cannot be used (see {@link checkControls}). */
  function readControls(): TrainConfig | null {
    return checkControls() ? { ...readConfig(controlParams()), extra: config.extra } : null;
  }

  /**
   * Applies the setup the controls show, as a new start, unless one of them cannot be used or it
   * is the setup already training (a change event that changed nothing — a field left after an
   * Enter — must not restart a run); `always` restarts anyway (new data).
   */
  function applyControls(change: Partial<TrainConfig> = {}, always = false): void {
    const next = readControls();
    if (next === null) return;
    const setup = { ...next, ...change };
    if (always || JSON.stringify(setup) !== JSON.stringify(config)) apply(setup, false);
  }

  /** Each control's message, shown next to it when its value cannot be used. */
  const fieldErrors = new Map(Object.entries(controls).map(([name, control]) => {
    const message = el("span", { class: "field-error", id: `${control.id}-error` });
    control.setAttribute("aria-describedby", message.id);
    control.after(message);
    return [name, message] as const;
  }));

  /**
   * Marks each control whose value cannot be used (`aria-invalid` and a message next to it, the
   * value left as typed) and says whether all can: a refused value never trains in secret, and
   * training goes on with the last setup that could be used.
   */
  function checkControls(): boolean {
    const problems = configProblems(controlParams());
    for (const [name, control] of Object.entries(controls)) {
      const problem = problems.find((p) => p.name === name);
      const message = fieldErrors.get(name) as HTMLElement;
      control.setAttribute("aria-invalid", String(problem !== undefined));
      message.textContent = problem === undefined ? "" : `Use ${problem.allowed}.`;
    }
    if (problems.length > 0) {
      // Named as typed: the field's own value (the test share is a percentage there).
      const typed = (name: string) => (controls as Record<string, HTMLInputElement | HTMLSelectElement>)[name]?.value ?? "";
      status.textContent = `Not applied: ${problems.map((p) => `${p.name} ${JSON.stringify(typed(p.name))}`).join(", ")} cannot be used; training goes on with the setup before.`;
      status.classList.add("error");
    }
    return problems.length === 0;
  }

  /** The + / − buttons under the drawing: a hidden layer more or less, a neuron more or less in each. */
  function drawShape(): void {
    const reshape = (layers: number[]) => {
      controls.layers.value = layersText(layers);
      applyControls();
    };
    const button = (text: string, label: string, enabled: boolean, layers: number[]) => {
      const b = el("button", { type: "button", "aria-label": label, disabled: !enabled }, text);
      b.addEventListener("click", () => reshape(layers));
      return b;
    };
    const { layers } = config;
    shape.replaceChildren(
      el("span", {}, "layers"),
      button("−", "Remove the last hidden layer", layers.length > 0, layers.slice(0, -1)),
      button("+", "Add a hidden layer", layers.length < MAX_LAYERS, [...layers, layers.at(-1) ?? 4]),
      ...layers.map((n, l) => el("span", { class: "layer" },
        button("−", `Remove a neuron from hidden layer ${l + 1}`, n > 1, layers.map((m, k) => (k === l ? m - 1 : m))),
        el("span", {}, `${n}`),
        button("+", `Add a neuron to hidden layer ${l + 1}`, n < MAX_NEURONS, layers.map((m, k) => (k === l ? m + 1 : m))))),
    );
  }

  /** Puts the setup in the address bar, so the link reproduces it — loaded points too, when they fit. */
  function saveToUrl(): void {
    const url = new URL(location.href);
    writeConfig(config, url.searchParams);
    const linked = custom && pointsForLink(custom);
    if (linked) url.searchParams.set("data", linked);
    else url.searchParams.delete("data");
    history.replaceState(null, "", url);
    dataNote.textContent = custom === null ? "" : linked
      ? `The link carries ${custom.name}: anyone who opens it trains on the same points.`
      : `${custom.name} stays on this page: its ${custom.x.length} points do not fit in a link (at most ${LINK_DATA_LIMIT} characters), so the link gives the setup without them.`;
  }

  function apply(next: TrainConfig, keepWeights: boolean): void {
    config = next;
    drawShape();
    saveToUrl();
    curvePoints.length = 0;
    // As in Playground, a new setup starts afresh and keeps playing if it was: the worker says which.
    status.classList.remove("error");
    status.textContent = custom ? `Training on ${custom.name}: ${custom.x.length} points, classes ${custom.classes.join(", ")}.` : "";
    send({ type: "configure", config, keepWeights, custom });
  }

  /** Which format the next `export` message is wanted in. */
  let wanted: "json" | "onnx" = "json";

  /** Saves `data` as a file through a temporary link, as browsers download. */
  function save(data: BlobPart, name: string, type: string): void {
    const url = URL.createObjectURL(new Blob([data], { type }));
    const link = el("a", { href: url, download: name });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const message = event.data;
    if (message.type === "export") {
      const name = `micrograd-${config.dataset}`;
      if (wanted === "json") save(message.json, `${name}.json`, "application/json");
      else save(message.onnx.slice(), `${name}.onnx`, "application/octet-stream");
      status.textContent = wanted === "json"
        ? "Saved the model as micrograd JSON: MLP.fromJSON loads it."
        : `Saved the model as ONNX: inputs ${message.inputs.join(", ")} (double [N, 1] each); outputs ${message.outputs.join(", ")}.`;
      return;
    }
    if (message.type === "error") {
      setPlaying(false);
      status.textContent = `Training stopped: ${message.message}.`;
      status.classList.add("error");
      return;
    }
    // The points come only when they change.
    if (message.points !== null) points = message.points;
    // Taken before the worker read a Pause, a Step or a new setup sent since: showing it would
    // move the counters after Pause (by a second, with 10,000 points). The worker's answer follows.
    if (message.handled < sent && !playing) return;
    status.classList.remove("error");
    // The worker is the one source of whether training runs: once it has handled every message
    // sent, the button says what it says (an older snapshot may predate the last click).
    if (message.handled === sent) setPlaying(message.playing);
    latest = { ...message, points };
    if (message.step === 0) curvePoints.length = 0;
    // A snapshot of the same step again (a pause, an edited weight) replaces the last one.
    if (curvePoints.at(-1)?.step === message.step) curvePoints.pop();
    curvePoints.push({ step: message.step, train: message.trainLoss, test: message.testLoss, accuracy: message.accuracy });
    const tests = points.filter((p) => p.test).length;
    const ignored = message.ignoredPoints === 0 ? "" : `; ${message.ignoredPoints} added point${message.ignoredPoints === 1 ? " is" : "s are"} left out: this data has no class ${config.extra.map((p) => p[2]).filter((c) => c >= message.classes).join(", ")}`;
    counts.textContent = `${points.length - tests} training points, ${tests} test points${ignored}`;
    addLabelName.textContent = message.problem === "regression" ? "Value" : `Class (0–${message.classes - 1})`;
    inspectIndex.max = String(points.length);
    if (message.problem === "regression") {
      legend.replaceChildren(
        el("span", { class: "swatch" }, el("span", { class: "chip", style: `background:${classColour(0)}` }), "−1"),
        el("span", { class: "swatch" }, el("span", { class: "chip", style: "background:#fff;border:1px solid #999" }), "0"),
        el("span", { class: "swatch" }, el("span", { class: "chip", style: `background:${classColour(1)}` }), "+1"),
        el("span", {}, "the predicted value; dots: the data's values; rings: test points"),
      );
    } else {
      const names = Array.from({ length: message.classes }, (_, k) => className(k));
      legend.replaceChildren(
        ...names.map((name, k) => el("span", { class: "swatch" }, el("span", { class: "chip", style: `background:${classColour(k)}` }), name)),
        el("span", {}, config.discretize ? "solid: the predicted class" : "paler where the network is less sure; rings: test points"),
      );
    }
    testLossOut.textContent = message.testLoss === null ? "—" : fixed(message.testLoss);
    stepOut.textContent = String(message.step);
    // An epoch is every training point once; the last batch of one holds what is left over.
    const trainRows = points.length - tests;
    const stepsPerEpoch = config.batch > 0 ? Math.ceil(trainRows / Math.min(config.batch, trainRows)) : 1;
    epochOut.textContent = String(Math.floor(message.step / stepsPerEpoch));
    lossOut.textContent = fixed(message.trainLoss);
    penaltyName.textContent = config.regularization === "none" ? "penalty" : `${config.regularization.toUpperCase()} penalty`;
    penaltyOut.textContent = config.regularization === "none" ? "none" : fixed(message.penalty);
    accuracyOut.textContent = message.accuracy === null ? "—" : `${(message.accuracy * 100).toFixed(1)}%`;
    // Drawing waits for a frame and draws only the newest snapshot: however fast the worker
    // sends them, the page stays free to answer clicks.
    if (frame === 0) frame = requestAnimationFrame(drawFrame);
  };
  /** When the page last drew a snapshot (a frame's timestamp). */
  let drawnAt = -Infinity;
  /**
   * Draws the newest snapshot, at most once every {@link FRAME_MS}: drawing at every frame (about
   * 50 a second) kept the main thread busy 69–79 % of the time on a 2-core machine.
   */
  function drawFrame(now: number): void {
    if (now - drawnAt < FRAME_MS) {
      frame = requestAnimationFrame(drawFrame);
      return;
    }
    frame = 0;
    drawnAt = now;
    drawAll();
  }

  /** Draws the newest snapshot: the plot, the curves and the network. */
  function drawAll(): void {
    if (!latest) return;
    drawPlot();
    drawCurves(curves, curvePoints);
    drawing.draw(latest);
  }
  /** Opens the editor for one weight, showing its value. */
  function editLink(layer: number, neuron: number, input: number): void {
    if (!latest) return;
    editing = [layer, neuron, input];
    setPlaying(false);
    send({ type: "pause" });
    // Input `nin` of a neuron is its bias, as the worker's setWeight reads it.
    const bias = input === (latest.sizes[layer] as number);
    weightLabel.textContent = bias ? `Bias of neuron ${neuron + 1} of layer ${layer + 1}` : `Weight from input ${input + 1} to neuron ${neuron + 1} of layer ${layer + 1}`;
    weightValue.value = String(latest.weights[layer]?.[neuron]?.[input] ?? 0);
    weightEditor.hidden = false;
    weightValue.focus();
  }
  const setWeight = () => {
    const value = Number(weightValue.value);
    const bad = weightValue.value.trim() === "" || !Number.isFinite(value);
    // A value that is not a number is said so, never dropped without a word.
    weightValue.setAttribute("aria-invalid", String(bad));
    weightError.textContent = bad ? "Type a number." : "";
    if (!editing || bad) return;
    const [layer, neuron, input] = editing;
    send({ type: "setWeight", layer, neuron, input, value });
  };
  const closeEditor = () => {
    editing = null;
    weightEditor.hidden = true;
    weightValue.setAttribute("aria-invalid", "false");
    weightError.textContent = "";
  };
  weightSet.addEventListener("click", setWeight);
  weightClose.addEventListener("click", closeEditor);
  weightEditor.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeEditor();
  });
  weightValue.addEventListener("keydown", (event) => {
    if (event.key === "Enter") setWeight();
  });

  worker.onerror = (event) => {
    status.textContent = `The training worker failed: ${event.message}`;
    status.classList.add("error");
  };

  for (const control of Object.values(controls)) {
    if (control !== controls.dataset && control !== controls.problem) {
      control.addEventListener("change", () => applyControls());
    }
  }
  // Another problem offers its own datasets: the first of them is picked.
  controls.problem.addEventListener("change", () => {
    const problem = controls.problem.value as TrainConfig["problem"];
    controls.dataset.replaceChildren(...datasetsOf(problem).map((d) => el("option", { value: d }, d)));
    controls.loss.replaceChildren(...lossesOf(problem).map((d) => el("option", { value: d, selected: d === config.loss }, d)));
    controls.loss.disabled = problem === "regression";
    controls.dataset.value = datasetsOf(problem)[0] as string;
    const leaving = custom !== null;
    custom = null;
    applyControls({}, leaving);
  });
  // Picking a dataset again leaves the loaded CSV.
  controls.dataset.addEventListener("change", () => {
    const leaving = custom !== null;
    custom = null;
    applyControls({}, leaving);
  });

  /** Loads points from a CSV file; a bad file leaves the page as it was, with a message naming the line. */
  async function load(file: File): Promise<void> {
    try {
      custom = parsePoints(file.name, await file.text());
      status.classList.remove("error");
      applyControls({ extra: [] }, true);
    } catch (e) {
      status.textContent = `Could not load ${file.name}: ${(e as Error).message.replace(`${file.name}: `, "")}.`;
      status.classList.add("error");
    }
  }
  csvInput.addEventListener("change", () => {
    const file = csvInput.files?.[0];
    if (file) void load(file);
    csvInput.value = "";
  });
  heatmap.addEventListener("dragover", (event) => event.preventDefault());
  heatmap.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files[0];
    if (file) void load(file);
  });
  /** A change to how the plot is drawn only: training goes on where it is. */
  const redrawWith = (change: Partial<TrainConfig>) => {
    config = { ...config, ...change };
    saveToUrl();
    drawPlot();
  };
  showTest.addEventListener("change", () => redrawWith({ showTest: showTest.checked }));
  discretize.addEventListener("change", () => redrawWith({ discretize: discretize.checked }));
  // A new network shape replaces the neuron under the pointer without a leave event of its own.
  network.addEventListener("mouseleave", () => hover(null));
  for (const [name, box] of featureBoxes) {
    box.addEventListener("change", () => {
      // The network needs at least one input: the last feature cannot be turned off, and the page says so.
      if (featureBoxes.every(([, b]) => !b.checked)) {
        box.checked = true;
        status.textContent = `${name} stays on: the network needs at least one input feature.`;
        status.classList.add("error");
        return;
      }
      applyControls();
    });
  }
  play.addEventListener("click", () => {
    setPlaying(!playing);
    send({ type: playing ? "play" : "pause" });
  });
  stepButton.addEventListener("click", () => {
    setPlaying(false);
    send({ type: "step" });
  });
  downloadJson.addEventListener("click", () => {
    wanted = "json";
    send({ type: "export" });
  });
  downloadOnnx.addEventListener("click", () => {
    wanted = "onnx";
    send({ type: "export" });
  });
  copyLink.addEventListener("click", () => {
    navigator.clipboard.writeText(location.href).then(
      () => (status.textContent = "Copied the link to this setup."),
      () => (status.textContent = `Copy this link to share the setup: ${location.href}`),
    );
  });
  reset.addEventListener("click", () => {
    setPlaying(false);
    send({ type: "reset" });
  });
  /** Pauses training and opens point `k`'s forward pass and loss, with the weights shown now, in the Backprop view. */
  async function inspectPoint(k: number): Promise<void> {
    const state = latest;
    const point = state?.points[k];
    if (!state || !point) {
      status.textContent = `There is no point ${k + 1}: the points are numbered 1 to ${state?.points.length ?? 0}.`;
      status.classList.add("error");
      return;
    }
    setPlaying(false);
    send({ type: "pause" });
    const { loss, build } = (await pointGraphs(state))(point);
    const value = build().data;
    const target = state.problem === "regression" ? `value ${fixed(point.c, 3)}` : className(point.c);
    // A met margin gives a hinge loss of 0 and every gradient 0: the step-through would show only zeros without saying why.
    const why = value === 0 && loss === "hinge"
      ? " Its hinge loss is 0: the point is on the right side with a margin of at least 1, so every gradient is 0 — this point teaches the network nothing now. Inspect the highest-loss point to see gradients flow."
      : "";
    inspect(
      build,
      `Point ${k + 1} (x₁ = ${fixed(point.x, 3)}, x₂ = ${fixed(point.y, 3)}, ${target}${point.test ? ", a test point" : ""}) through the network at step ${state.step}: its ${loss} loss alone, ${fixed(value)}, without regularization. h1.3 is unit 3 of hidden layer 1 and z1.3 its sum before the activation; w2.3.1 is the weight from input 1 to neuron 3 of layer 2, b2.3 that neuron's bias; Backward gives each weight's share of this point's gradient.${why}`,
    );
  }

  /** How to build any point's forward pass and loss with the weights of `state` (with @micrograd/nn, loaded when first asked for). */
  async function pointGraphs(state: TrainState) {
    const { predictionGraph } = await import("./inspect.js");
    const loss = state.problem === "regression" ? "mse" : effectiveLoss(config, state.classes);
    return (point: TrainState["points"][number]) => {
      const values = featurize(config.features, point.x, point.y);
      const build = () => predictionGraph({
        sizes: state.sizes, weights: state.weights, activation: config.activation, outputActivation: loss === "bce" ? "sigmoid" : "linear",
        inputs: config.features.map((name, i) => ({ name, value: values[i] as number })), loss, target: point.c,
      });
      return { loss, build };
    };
  }

  /** Inspects the point the network gets most wrong now: the highest loss (the first of equals). */
  async function inspectWorst(): Promise<void> {
    const state = latest;
    if (!state || state.points.length === 0) return;
    const graphOf = await pointGraphs(state);
    let worst = 0;
    let highest = -Infinity;
    state.points.forEach((point, k) => {
      const value = graphOf(point).build().data;
      if (value > highest) [worst, highest] = [k, value];
    });
    inspectIndex.value = String(worst + 1);
    await inspectPoint(worst);
  }
  inspectWorstButton.addEventListener("click", () => void inspectWorst());
  inspectButton.addEventListener("click", () => void inspectPoint(Number(inspectIndex.value) - 1));
  heatmap.addEventListener("click", (event) => {
    if (!latest) return;
    const hit = pointAt(heatmap, latest, config.showTest, event.clientX, event.clientY);
    if (hit >= 0) {
      void inspectPoint(hit);
      return;
    }
    const box = heatmap.getBoundingClientRect();
    const { x0, x1, y0, y1 } = latest.bounds;
    const x = x0 + ((event.clientX - box.left) / box.width) * (x1 - x0);
    const y = y1 - ((event.clientY - box.top) / box.height) * (y1 - y0);
    // A regression's point is worth +1, or −1 with shift.
    const label = config.problem === "regression" ? (event.shiftKey ? -1 : 1) : event.shiftKey ? 1 : 0;
    apply({ ...config, extra: [...config.extra, [x, y, label]] }, true);
  });
  /** Adds the point the fields describe, from the keyboard; a field that cannot be used is said so next to it. */
  addButton.addEventListener("click", () => {
    const classes = latest?.classes ?? 2;
    const regression = config.problem === "regression";
    const checks: [HTMLInputElement, (v: number) => boolean, string][] = [
      [addX, Number.isFinite, "Type a number."],
      [addY, Number.isFinite, "Type a number."],
      [addLabel, regression ? Number.isFinite : (v) => Number.isInteger(v) && v >= 0 && v < classes, regression ? "Type a number." : `Use a class from 0 to ${classes - 1}.`],
    ];
    let fine = true;
    checks.forEach(([input, ok, words], i) => {
      const bad = input.value.trim() === "" || !ok(Number(input.value));
      input.setAttribute("aria-invalid", String(bad));
      (addErrors[i] as HTMLElement).textContent = bad ? words : "";
      if (bad) fine = false;
    });
    if (fine) apply({ ...config, extra: [...config.extra, [Number(addX.value), Number(addY.value), Number(addLabel.value)]] }, true);
  });

  // Read before `apply` writes the setup back into the address bar.
  const linkProblems = configProblems(new URL(location.href).searchParams);
  const linkedData = new URL(location.href).searchParams.get("data");
  if (linkedData !== null) {
    try {
      custom = pointsFromLink(linkedData);
    } catch (e) {
      linkProblems.push({ name: "data", given: `${linkedData.slice(0, 40)}…`, allowed: `points as the page writes them: ${(e as Error).message}` });
    }
  }
  apply(config, false);
  if (linkProblems.length > 0) {
    status.textContent = `The link's ${linkProblems.map((p) => `${p.name}=${p.given} (use ${p.allowed})`).join("; ")} could not be used: the defaults are shown instead.`;
    status.classList.add("error");
  }
}
