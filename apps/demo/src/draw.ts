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
export function neuronCells(maps: Float32Array, neuron: number): ImageData {
  const size = MAP_GRID * MAP_GRID;
  return mapCells(maps.subarray(neuron * size, (neuron + 1) * size));
}

/** MAP_GRID × MAP_GRID values as an image on the diverging scale, scaled to their largest size. */
export function mapCells(values: Float32Array): ImageData {
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

/** Where a point is drawn on a canvas `width` × `height`, in canvas pixels. */
function pixel(state: TrainState, p: { x: number; y: number }, width: number, height: number): [number, number] {
  const { x0, x1, y0, y1 } = state.bounds;
  return [((p.x - x0) / (x1 - x0)) * width, ((y1 - p.y) / (y1 - y0)) * height];
}

/** The radius of a drawn point on a canvas `width` pixels wide. */
const pointRadius = (width: number) => Math.max(3, width / 120);

/**
 * The index of the drawn point under a click at (`clientX`, `clientY`) — the nearest one within a
 * few pixels of its edge — or -1 when the click is on the background.
 */
export function pointAt(canvas: HTMLCanvasElement, state: TrainState, showTest: boolean, clientX: number, clientY: number): number {
  const box = canvas.getBoundingClientRect();
  const cx = ((clientX - box.left) / box.width) * canvas.width;
  const cy = ((clientY - box.top) / box.height) * canvas.height;
  const reach = pointRadius(canvas.width) + 3;
  let best = -1;
  let bestDistance = reach;
  state.points.forEach((p, i) => {
    if (p.test && !showTest) return;
    const [px, py] = pixel(state, p, canvas.width, canvas.height);
    const distance = Math.hypot(px - cx, py - cy);
    if (distance <= bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  return best;
}

/** The points last drawn, as an image over a transparent background, and what it was drawn for. */
let pointsLayer: { key: unknown[]; image: OffscreenCanvas } | null = null;

/**
 * The data points: training points filled, test points as rings (unless hidden). They change
 * only with the setup, so they are drawn once into a layer that each frame puts on top: 10,000
 * points drawn one by one each frame held a frame up to a quarter of a second.
 */
function drawPoints(ctx: CanvasRenderingContext2D, state: TrainState, showTest: boolean): void {
  const { width, height } = ctx.canvas;
  // Each snapshot brings its own copy of the bounds: compared by value.
  const key = [state.points, JSON.stringify(state.bounds), state.problem, width, height, showTest];
  if (!pointsLayer || pointsLayer.key.some((k, i) => k !== key[i])) {
    const image = new OffscreenCanvas(width, height);
    const layer = image.getContext("2d");
    if (layer) paintPoints(layer, state, showTest, width, height);
    pointsLayer = { key, image };
  }
  ctx.drawImage(pointsLayer.image, 0, 0);
}

/** Draws every point of `state` on `ctx`, a canvas `width` × `height`. */
function paintPoints(ctx: OffscreenCanvasRenderingContext2D, state: TrainState, showTest: boolean, width: number, height: number): void {
  for (const p of state.points) {
    if (p.test && !showTest) continue;
    const [px, py] = pixel(state, p, width, height);
    ctx.beginPath();
    ctx.arc(px, py, pointRadius(width), 0, 2 * Math.PI);
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

/** One snapshot on the curves: its step, the training and test data losses, the training accuracy. */
export interface CurvePoint {
  step: number;
  train: number;
  test: number | null;
  accuracy: number | null;
}

/**
 * Training loss (red) and test loss (dashed, purple) — both the data loss on all their points,
 * measured at each snapshot — on the left scale, accuracy on the training points (green,
 * 0–100 %) on the right, against the step; no accuracy for a regression, which has none.
 */
export function drawCurves(canvas: HTMLCanvasElement, points: readonly CurvePoint[]): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const { width, height } = canvas;
  const pad = 28;
  ctx.clearRect(0, 0, width, height);
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = "#5f6368";
  ctx.fillText("training loss", 4, 14);
  const hasAccuracy = points.some((p) => p.accuracy !== null);
  const hasTest = points.some((p) => p.test !== null);
  if (hasAccuracy) ctx.fillText("accuracy", width - 62, 14);
  if (hasTest) {
    ctx.fillStyle = "#6a1b9a";
    ctx.fillText("test loss", 90, 14);
    ctx.fillStyle = "#5f6368";
  }
  if (points.length < 2) return;
  // A loop, not Math.max(...): a long run has more snapshots than a call takes arguments.
  let max = 0;
  for (const p of points) {
    if (Number.isFinite(p.train) && p.train > max) max = p.train;
    if (p.test !== null && Number.isFinite(p.test) && p.test > max) max = p.test;
  }
  max ||= 1;
  const first = (points[0] as CurvePoint).step;
  const span = Math.max(1, (points.at(-1) as CurvePoint).step - first);
  // At most one point per pixel column: a long run would otherwise draw every snapshot each frame.
  const columns = width - 2 * pad;
  const line = (value: (p: CurvePoint) => number | null, top: number, colour: string, dash: number[] = []) => {
    ctx.beginPath();
    let started = false;
    for (const i of sampleIndexes(points.length, columns)) {
      const p = points[i] as CurvePoint;
      const v = value(p);
      if (v === null) continue;
      const x = pad + ((p.step - first) / span) * columns;
      const y = height - pad - (Math.min(v, top) / top) * (height - 2 * pad);
      if (started) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      started = true;
    }
    ctx.setLineDash(dash);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line((p) => p.train, max, "#b00020");
  if (hasTest) line((p) => p.test, max, "#6a1b9a", [6, 4]);
  if (hasAccuracy) line((p) => p.accuracy, 1, "#2e7d32");
  ctx.fillText(max.toPrecision(3), 4, pad);
  ctx.fillText(`step ${(points.at(-1) as CurvePoint).step}`, width / 2 - 20, height - 6);
}

/** Indexes 0…n-1, or `most` of them evenly spread (first and last included) when n is larger. */
function* sampleIndexes(n: number, most: number): Generator<number> {
  if (n <= most) {
    for (let i = 0; i < n; i++) yield i;
    return;
  }
  for (let j = 0; j < most; j++) yield Math.round((j * (n - 1)) / (most - 1));
}
