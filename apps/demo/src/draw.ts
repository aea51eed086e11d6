import { GRID, MAP_GRID } from "./protocol.js";
import type { TrainState } from "./protocol.js";

const CLASS_RGB: [number, number, number][] = [[230, 97, 0], [26, 95, 180], [46, 125, 50]];
const css = ([r, g, b]: [number, number, number], a = 1) => `rgba(${r}, ${g}, ${b}, ${a})`;

/** Orange for -1, white for 0, blue for +1: the diverging scale of a regression's values. */
const NEGATIVE: [number, number, number] = [230, 97, 0];
const POSITIVE: [number, number, number] = [26, 95, 180];

/** A value's colour on the diverging scale, clipped to [-1, 1]. */
export function valueRgb(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const [r, g, b] = t < 0 ? NEGATIVE : POSITIVE;
  const a = Math.abs(t);
  return [Math.round(255 + (r - 255) * a), Math.round(255 + (g - 255) * a), Math.round(255 + (b - 255) * a)];
}

/** The colour of class `k` (in the plot, the points and the legend). */
export function classColour(k: number): string {
  return css(CLASS_RGB[k] ?? [128, 128, 128]);
}

/**
 * The decision boundary: each cell tinted by its predicted class, stronger where the model is
 * sure (or solid, with `discretize`); the points on top — training points filled, test points as
 * rings (hidden unless `showTest`).
 */
export function drawHeatmap(canvas: HTMLCanvasElement, state: TrainState, showTest = true, discretize = false): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const { width, height } = canvas;
  // One pixel per cell, then scaled up with smoothing: a smooth field, no visible grid.
  const cells = new ImageData(GRID, GRID);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const k = state.heat[2 * (r * GRID + c)] as number;
      const at = 4 * (r * GRID + c);
      cells.data[at + 3] = 255;
      if (state.problem === "regression") {
        const [red, green, blue] = valueRgb(discretize ? Math.sign(k) : k);
        [cells.data[at], cells.data[at + 1], cells.data[at + 2]] = [red, green, blue];
        continue;
      }
      const confidence = discretize ? 1 : (state.heat[2 * (r * GRID + c) + 1] as number);
      const [red, green, blue] = CLASS_RGB[k] ?? [128, 128, 128];
      const alpha = 0.12 + 0.45 * confidence;
      // Blended over white here, so the scaled image needs no transparency.
      cells.data[at] = Math.round(255 + (red - 255) * alpha);
      cells.data[at + 1] = Math.round(255 + (green - 255) * alpha);
      cells.data[at + 2] = Math.round(255 + (blue - 255) * alpha);
    }
  }
  paint(ctx, cells, width, height);
  drawPoints(ctx, state, showTest);
}

/** Puts a small image of cells on the whole canvas, scaled with smoothing: a smooth field, no visible grid. */
function paint(ctx: CanvasRenderingContext2D, cells: ImageData, width: number, height: number): void {
  const small = new OffscreenCanvas(cells.width, cells.height);
  small.getContext("2d")?.putImageData(cells, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(small, 0, 0, width, height);
}

/** One neuron's output over the plane, on the diverging scale scaled to its largest size: what it computes. */
function neuronCells(maps: Float32Array, neuron: number): ImageData {
  const size = MAP_GRID * MAP_GRID;
  const values = maps.subarray(neuron * size, (neuron + 1) * size);
  const scale = Math.max(1e-9, ...Array.from(values, Math.abs));
  const cells = new ImageData(MAP_GRID, MAP_GRID);
  values.forEach((v, i) => {
    const [r, g, b] = valueRgb(v / scale);
    cells.data.set([r, g, b, 255], 4 * i);
  });
  return cells;
}

/** Neuron `neuron`'s map, large, in place of the decision boundary, with the points on top. */
export function drawNeuronMap(canvas: HTMLCanvasElement, state: TrainState, neuron: number, showTest = true): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  paint(ctx, neuronCells(state.neuronMaps, neuron), canvas.width, canvas.height);
  drawPoints(ctx, state, showTest);
}

/** The data points: training points filled, test points as rings (unless hidden). */
function drawPoints(ctx: CanvasRenderingContext2D, state: TrainState, showTest: boolean): void {
  const { width, height } = ctx.canvas;
  const { x0, x1, y0, y1 } = state.bounds;
  for (const p of state.points) {
    if (p.test && !showTest) continue;
    const px = ((p.x - x0) / (x1 - x0)) * width;
    const py = ((y1 - p.y) / (y1 - y0)) * height;
    ctx.beginPath();
    ctx.arc(px, py, Math.max(3, width / 120), 0, 2 * Math.PI);
    const colour = state.problem === "regression" ? css(valueRgb(p.c)) : css(CLASS_RGB[p.c] ?? [0, 0, 0]);
    if (p.test) {
      ctx.strokeStyle = state.problem === "regression" ? "#1d1d1f" : colour;
      ctx.lineWidth = 2.5;
      ctx.stroke();
      continue;
    }
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.strokeStyle = state.problem === "regression" ? "#1d1d1f" : "#fff";
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

/**
 * Training loss (red) and test loss (dashed, purple; measured at each snapshot, drawn at its
 * step) on the left scale, accuracy (green, 0–100 %) on the right, per step.
 */
export function drawCurves(canvas: HTMLCanvasElement, losses: readonly number[], accuracies: readonly (number | null)[], testLosses: readonly [number, number][] = []): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const { width, height } = canvas;
  const pad = 28;
  ctx.clearRect(0, 0, width, height);
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = "#5f6368";
  ctx.fillText("loss", 4, 14);
  ctx.fillText("accuracy", width - 62, 14);
  if (testLosses.length > 0) {
    ctx.fillStyle = "#6a1b9a";
    ctx.fillText("test loss", 44, 14);
    ctx.fillStyle = "#5f6368";
  }
  if (losses.length < 2) return;
  const max = Math.max(...losses.filter(Number.isFinite), ...testLosses.map(([, l]) => l).filter(Number.isFinite)) || 1;
  const line = (values: readonly number[], top: number, colour: string) => {
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = pad + (i / (values.length - 1)) * (width - 2 * pad);
      const y = height - pad - (v / top) * (height - 2 * pad);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.stroke();
  };
  line(losses, max, "#b00020");
  line(accuracies.map((a) => a ?? 0), 1, "#2e7d32");
  if (testLosses.length > 1) {
    ctx.beginPath();
    testLosses.forEach(([step, v], i) => {
      const x = pad + ((step - 1) / (losses.length - 1)) * (width - 2 * pad);
      const y = height - pad - (v / max) * (height - 2 * pad);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.setLineDash([6, 4]);
    ctx.strokeStyle = "#6a1b9a";
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.fillText(max.toPrecision(3), 4, pad);
  ctx.fillText(`step ${losses.length}`, width / 2 - 20, height - 6);
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * The network: neurons in columns, links coloured by the sign of their weight and as thick as its
 * size. Each link can be focused and clicked (`onLink` gets layer, neuron and input) to edit it.
 */
export function drawNetwork(
  container: HTMLElement,
  state: TrainState,
  onLink?: (layer: number, neuron: number, input: number) => void,
  onNeuron?: (neuron: number | null) => void,
): void {
  const width = 420;
  const height = 240;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `network with layers ${state.sizes.join(", ")}`);
  const x = (layer: number) => 20 + (layer / (state.sizes.length - 1)) * (width - 40);
  const y = (i: number, n: number) => (height * (i + 1)) / (n + 1);
  state.weights.forEach((layer, l) => {
    const nin = state.sizes[l] as number;
    layer.forEach((neuron, j) => {
      for (let i = 0; i < nin; i++) {
        const w = neuron[i] as number;
        const link = document.createElementNS(SVG, "line");
        link.setAttribute("x1", String(x(l)));
        link.setAttribute("y1", String(y(i, nin)));
        link.setAttribute("x2", String(x(l + 1)));
        link.setAttribute("y2", String(y(j, layer.length)));
        link.setAttribute("stroke", w >= 0 ? "#1a5fb4" : "#e66100");
        link.setAttribute("stroke-width", String(Math.min(4, 0.3 + Math.abs(w) * 1.2)));
        link.setAttribute("stroke-opacity", "0.6");
        link.setAttribute("tabindex", "0");
        link.setAttribute("role", "button");
        link.setAttribute("aria-label", `weight from input ${i + 1} to neuron ${j + 1} of layer ${l + 1}: ${w.toFixed(4)}`);
        link.dataset.layer = String(l);
        link.dataset.neuron = String(j);
        link.dataset.input = String(i);
        if (onLink) {
          link.addEventListener("click", () => onLink(l, j, i));
          link.addEventListener("keydown", (event) => {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              onLink(l, j, i);
            }
          });
        }
        svg.append(link);
      }
    });
  });
  // The inputs as dots; every neuron as a small map of what it computes over the plane, which
  // hovering or focusing shows large in the main plot.
  const tile = document.createElement("canvas");
  tile.width = tile.height = MAP_GRID;
  let neuron = 0;
  state.sizes.forEach((n, l) => {
    for (let i = 0; i < n; i++) {
      if (l === 0) {
        const dot = document.createElementNS(SVG, "circle");
        dot.setAttribute("cx", String(x(l)));
        dot.setAttribute("cy", String(y(i, n)));
        dot.setAttribute("r", String(Math.max(2.5, Math.min(7, 90 / n))));
        dot.setAttribute("fill", "#fff");
        dot.setAttribute("stroke", "#1d1d1f");
        svg.append(dot);
        continue;
      }
      const k = neuron++;
      const side = Math.max(6, Math.min(22, 200 / n));
      tile.getContext("2d")?.putImageData(neuronCells(state.neuronMaps, k), 0, 0);
      const image = document.createElementNS(SVG, "image");
      image.setAttribute("href", tile.toDataURL());
      image.setAttribute("x", String(x(l) - side / 2));
      image.setAttribute("y", String(y(i, n) - side / 2));
      image.setAttribute("width", String(side));
      image.setAttribute("height", String(side));
      image.setAttribute("tabindex", "0");
      image.setAttribute("role", "img");
      image.setAttribute("aria-label", `neuron ${i + 1} of layer ${l}: what it computes over the plane`);
      image.setAttribute("class", "neuron");
      image.dataset.neuron = String(k);
      if (onNeuron) {
        image.addEventListener("mouseenter", () => onNeuron(k));
        image.addEventListener("focus", () => onNeuron(k));
        image.addEventListener("mouseleave", () => onNeuron(null));
        image.addEventListener("blur", () => onNeuron(null));
      }
      svg.append(image);
    }
  });
  container.replaceChildren(svg);
}
