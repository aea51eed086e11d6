import { FEATURES, FEATURE_NAMES } from "./config.js";
import type { Feature } from "./config.js";
import { mapCells, neuronCells } from "./draw.js";
import { MAP_GRID } from "./protocol.js";
import type { TrainState } from "./protocol.js";

const SVG = "http://www.w3.org/2000/svg";
/** The network drawing's coordinate system (its SVG viewBox). */
const NET_WIDTH = 420;
const NET_HEIGHT = 240;
/** Where the feature column stands: room on its left for the features' names. */
const FIRST_COLUMN = 62;
const FEATURE_SIDE = 20;

/** How each feature is named on the drawing. */
const FEATURE_LABELS: Record<Feature, string> = { x1: "x₁", x2: "x₂", "x1^2": "x₁²", "x2^2": "x₂²", x1x2: "x₁x₂", "sin x1": "sin x₁", "sin x2": "sin x₂" };

/** An SVG element with attributes. */
function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** What the drawing tells the page. */
export interface NetworkEvents {
  /** A link was clicked or Enter was pressed on it: layer, neuron, input (the neuron's input count for its bias, a click on the neuron). */
  link(layer: number, neuron: number, input: number): void;
  /** The pointer or the focus is on neuron `k` (counted over all layers, as the snapshot's maps), or left it. */
  neuron(k: number | null): void;
  /** The weight under the pointer or the focus, in words, or null when none is. */
  linkShown(weight: string | null): void;
  /** A feature's tile was clicked or Enter was pressed on it: turn it on or off. */
  feature(name: Feature): void;
}

interface Link {
  line: SVGLineElement;
  layer: number;
  neuron: number;
  input: number;
  stroke: string;
  width: string;
}

/**
 * The network as Playground draws it: on the left every feature, named, with a map of its value
 * over the plane (the ones in use linked, the others pale; a click turns one on or off); then the
 * neurons in columns, each a small map of what it computes, and links coloured by the sign of
 * their weight and as thick as its size. A link can be clicked to edit it; hovering or focusing
 * it puts its weight into words; hovering or focusing a neuron shows its map large.
 *
 * It is one Tab stop: arrow keys move inside it (left and right between columns, up and down
 * within one; Home and End), as a roving tabindex does. The elements are made once per shape
 * and updated in place for each snapshot — so keyboard focus stays put while training plays —
 * and the maps are painted on one canvas over the links.
 */
export class NetworkDrawing {
  private shape = "";
  private links: Link[] = [];
  /** The link under the pointer or the focus, whose words follow its weight as training plays. */
  private shown: Link | null = null;
  private weights: TrainState["weights"] = [];
  private tiles: { x: number; y: number; side: number }[] = [];
  private neuronTargets: SVGRectElement[] = [];
  /** The features' tiles, where they stand, and their maps for the bounds they were made for. */
  private featureTiles: { name: Feature; x: number; y: number }[] = [];
  private featureMaps = new Map<Feature, ImageData>();
  private mapsBounds = "";
  /** The focusable elements, column by column, for the arrow keys; `at` is the one Tab reaches. */
  private columns: SVGElement[][] = [];
  private at: [number, number] = [0, 0];
  private readonly svg = svgElement("svg", {
    viewBox: `0 0 ${NET_WIDTH} ${NET_HEIGHT}`, role: "group", "aria-description": "arrow keys move between its features, links and neurons",
  });
  private readonly maps = document.createElement("canvas");
  private readonly tile = new OffscreenCanvas(MAP_GRID, MAP_GRID);

  constructor(private readonly container: HTMLElement, private readonly on: NetworkEvents) {
    this.maps.className = "maps";
    this.maps.setAttribute("aria-hidden", "true");
    const scale = Math.max(1, Math.ceil(globalThis.devicePixelRatio ?? 1));
    this.maps.width = NET_WIDTH * scale;
    this.maps.height = NET_HEIGHT * scale;
    this.svg.addEventListener("keydown", (event) => this.move(event));
    container.replaceChildren(this.svg, this.maps);
  }

  /** Shows `state`: its weights on the links, its neuron maps on the tiles. */
  draw(state: TrainState): void {
    const { features } = state;
    const shape = `${state.sizes.join(",")}|${features.join(",")}`;
    if (shape !== this.shape) this.build(state.sizes, features);
    this.weights = state.weights;
    for (const link of this.links) {
      const { line, layer, neuron, input } = link;
      const w = state.weights[layer]?.[neuron]?.[input] ?? 0;
      // Only what changed is set: every attribute set restyles the drawing, and the links were
      // most of a frame's script time.
      const stroke = w >= 0 ? "#1a5fb4" : "#e66100";
      const width = Math.min(4, 0.3 + Math.abs(w) * 1.2).toFixed(1);
      if (stroke !== link.stroke) line.setAttribute("stroke", (link.stroke = stroke));
      if (width !== link.width) line.setAttribute("stroke-width", (link.width = width));
    }
    // While playing, the words would change faster than anyone reads them: only the link shown
    // keeps up; at rest every link says its weight.
    if (!state.playing) for (const link of this.links) link.line.setAttribute("aria-label", this.words(link));
    if (this.shown) this.show(this.shown);
    const ctx = this.maps.getContext("2d");
    const small = this.tile.getContext("2d");
    if (!ctx || !small) return;
    const scale = this.maps.width / NET_WIDTH;
    ctx.clearRect(0, 0, this.maps.width, this.maps.height);
    ctx.imageSmoothingEnabled = true;
    const paint = (cells: ImageData, x: number, y: number, side: number, alpha = 1) => {
      small.putImageData(cells, 0, 0);
      ctx.globalAlpha = alpha;
      ctx.drawImage(this.tile, (x - side / 2) * scale, (y - side / 2) * scale, side * scale, side * scale);
      ctx.globalAlpha = 1;
    };
    for (const { name, x, y } of this.featureTiles) paint(this.featureMap(name, state.bounds), x, y, FEATURE_SIDE, features.includes(name) ? 1 : 0.3);
    this.tiles.forEach(({ x, y, side }, k) => paint(neuronCells(state.neuronMaps, k), x, y, side));
    // Which step the drawing shows: what tests (and curious users) can watch change.
    this.container.dataset.step = String(state.step);
  }

  /** Marks neuron `k` (or none) as the one whose map the plot shows. */
  highlight(k: number | null): void {
    this.neuronTargets.forEach((target, i) => target.classList.toggle("shown", i === k));
  }

  /** Feature `name`'s value over the plane within `bounds`, as a map (made once per bounds). */
  private featureMap(name: Feature, bounds: TrainState["bounds"]): ImageData {
    const key = JSON.stringify(bounds);
    if (key !== this.mapsBounds) {
      this.mapsBounds = key;
      this.featureMaps.clear();
    }
    let cells = this.featureMaps.get(name);
    if (!cells) {
      const values = new Float32Array(MAP_GRID * MAP_GRID);
      for (let r = 0; r < MAP_GRID; r++) {
        for (let c = 0; c < MAP_GRID; c++) {
          const x = bounds.x0 + ((c + 0.5) / MAP_GRID) * (bounds.x1 - bounds.x0);
          const y = bounds.y1 - ((r + 0.5) / MAP_GRID) * (bounds.y1 - bounds.y0);
          values[r * MAP_GRID + c] = FEATURES[name](x, y);
        }
      }
      cells = mapCells(values);
      this.featureMaps.set(name, cells);
    }
    return cells;
  }

  /** Puts `link`'s weight into words, on the link itself (for screen readers) and for `linkShown`, and keeps them current while it is shown. */
  private show(link: Link): void {
    this.shown = link;
    const words = this.words(link);
    link.line.setAttribute("aria-label", words);
    this.on.linkShown(words);
  }

  /** A link's weight in words. */
  private words({ layer, neuron, input }: Link): string {
    const w = this.weights[layer]?.[neuron]?.[input] ?? 0;
    return `weight from input ${input + 1} to neuron ${neuron + 1} of layer ${layer + 1}: ${w.toFixed(4)}`;
  }

  /** Arrow keys, Home and End: the next element to focus inside the drawing. */
  private move(event: KeyboardEvent): void {
    const [c, i] = this.at;
    const column = (k: number) => this.columns[k] as SVGElement[];
    // Across columns, keep the same relative height.
    const across = (k: number): [number, number] => [k, Math.round((i / Math.max(1, column(c).length - 1)) * (column(k).length - 1))];
    const last = this.columns.length - 1;
    const next: Record<string, [number, number]> = {
      ArrowDown: [c, Math.min(i + 1, column(c).length - 1)],
      ArrowUp: [c, Math.max(i - 1, 0)],
      ArrowRight: c < last ? across(c + 1) : [c, i],
      ArrowLeft: c > 0 ? across(c - 1) : [c, i],
      Home: [0, 0],
      End: [last, column(last).length - 1],
    };
    const to = next[event.key];
    if (!to) return;
    event.preventDefault();
    this.focusAt(to);
  }

  /** Makes element (column, index) the drawing's one Tab stop, and focuses it. */
  private focusAt([c, i]: [number, number]): void {
    const target = this.columns[c]?.[i];
    if (!target) return;
    this.columns[this.at[0]]?.[this.at[1]]?.setAttribute("tabindex", "-1");
    this.at = [c, i];
    target.setAttribute("tabindex", "0");
    target.focus();
  }

  /** Makes an element a stop of the arrow keys: `open` runs on a click, Enter or Space. */
  private focusable(node: SVGElement, column: number, open?: () => void): SVGElement {
    const list = (this.columns[column] ??= []);
    const index = list.length;
    list.push(node);
    node.setAttribute("tabindex", column === 0 && index === 0 ? "0" : "-1");
    // A click or a focus moves the Tab stop here, so Tab comes back where the user was.
    node.addEventListener("focus", () => {
      if (this.at[0] !== column || this.at[1] !== index) {
        this.columns[this.at[0]]?.[this.at[1]]?.setAttribute("tabindex", "-1");
        this.at = [column, index];
        node.setAttribute("tabindex", "0");
      }
    });
    if (open) {
      node.addEventListener("click", open);
      node.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          open();
        }
      });
    }
    return node;
  }

  /** Makes the feature tiles, links and neuron targets for a network of layer widths `sizes` reading `features`. */
  private build(sizes: readonly number[], features: readonly Feature[]): void {
    this.shape = `${sizes.join(",")}|${features.join(",")}`;
    this.svg.setAttribute("aria-label", `network with layers ${sizes.join(", ")}`);
    const x = (layer: number) => FIRST_COLUMN + (layer / (sizes.length - 1)) * (NET_WIDTH - FIRST_COLUMN - 20);
    const y = (i: number, n: number) => (NET_HEIGHT * (i + 1)) / (n + 1);
    // The network's input i is feature features[i], drawn in that feature's row.
    const inputY = (i: number) => y(FEATURE_NAMES.indexOf(features[i] as Feature), FEATURE_NAMES.length);
    this.links = [];
    this.tiles = [];
    this.featureTiles = [];
    this.neuronTargets = [];
    this.columns = [];
    this.at = [0, 0];
    const links: SVGElement[] = [];
    const nodes: SVGElement[] = [];
    FEATURE_NAMES.forEach((name, row) => {
      const fy = y(row, FEATURE_NAMES.length);
      const on = features.includes(name);
      this.featureTiles.push({ name, x: x(0), y: fy });
      nodes.push(svgElement("text", { x: x(0) - FEATURE_SIDE / 2 - 4, y: fy + 4, "text-anchor": "end", class: on ? "feature-name" : "feature-name off", "aria-hidden": "true" }));
      (nodes.at(-1) as SVGElement).textContent = FEATURE_LABELS[name];
      const target = svgElement("rect", {
        x: x(0) - FEATURE_SIDE / 2, y: fy - FEATURE_SIDE / 2, width: FEATURE_SIDE, height: FEATURE_SIDE, fill: "transparent", role: "switch",
        "aria-checked": String(on), class: "feature", "aria-label": `feature ${FEATURE_LABELS[name]}: ${on ? "an input" : "not used"}; press to turn it ${on ? "off" : "on"}`,
      });
      target.dataset.feature = name;
      nodes.push(this.focusable(target, 0, () => this.on.feature(name)));
    });
    sizes.forEach((n, l) => {
      if (l === 0) return;
      const nin = sizes[l - 1] as number;
      const from = (i: number) => (l === 1 ? inputY(i) : y(i, nin));
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < nin; i++) {
          const line = svgElement("line", {
            x1: x(l - 1), y1: from(i), x2: x(l), y2: y(j, n), "stroke-opacity": 0.6, role: "button",
            "aria-label": `weight from input ${i + 1} to neuron ${j + 1} of layer ${l}`,
          });
          Object.assign(line.dataset, { layer: String(l - 1), neuron: String(j), input: String(i) });
          const link: Link = { line, layer: l - 1, neuron: j, input: i, stroke: "", width: "" };
          const hide = () => {
            this.shown = null;
            this.on.linkShown(null);
          };
          line.addEventListener("mouseenter", () => this.show(link));
          line.addEventListener("focus", () => this.show(link));
          line.addEventListener("mouseleave", hide);
          line.addEventListener("blur", hide);
          links.push(this.focusable(line, 2 * l - 1, () => this.on.link(l - 1, j, i)));
          this.links.push(link);
        }
      }
      for (let j = 0; j < n; j++) {
        const k = this.tiles.length;
        const side = Math.max(6, Math.min(22, 200 / n));
        this.tiles.push({ x: x(l), y: y(j, n), side });
        // A transparent target where the map is painted: it takes hover and focus, and a click edits the bias.
        const target = svgElement("rect", {
          x: x(l) - side / 2, y: y(j, n) - side / 2, width: side, height: side, fill: "transparent", role: "button", class: "neuron",
          "aria-label": `neuron ${j + 1} of layer ${l}: its map shows in the plot; press Enter to edit its bias`,
        });
        target.dataset.neuron = String(k);
        target.addEventListener("mouseenter", () => this.on.neuron(k));
        target.addEventListener("focus", () => this.on.neuron(k));
        target.addEventListener("mouseleave", () => this.on.neuron(null));
        target.addEventListener("blur", () => this.on.neuron(null));
        nodes.push(this.focusable(target, 2 * l, () => this.on.link(l - 1, j, nin)));
        this.neuronTargets.push(target);
      }
    });
    this.svg.replaceChildren(...links, ...nodes);
  }
}
