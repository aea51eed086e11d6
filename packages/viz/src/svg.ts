import type { Value } from "@micrograd/engine";
import type { Viz } from "@viz-js/viz";
import { toDot } from "./dot.js";
import type { DotOptions } from "./dot.js";

let graphviz: Promise<Viz> | undefined;

/**
 * Graphviz compiled to WebAssembly, loaded on first use. `@viz-js/viz` (about 5 MB) is an
 * optional peer dependency, so that users who only want `toDot` never download it.
 */
async function loadGraphviz(): Promise<Viz> {
  let module: typeof import("@viz-js/viz");
  try {
    module = await import("@viz-js/viz");
  } catch (cause) {
    throw new Error("@micrograd/viz/svg needs Graphviz: install the optional peer dependency with `npm install @viz-js/viz`", { cause });
  }
  return module.instance();
}

/**
 * Renders DOT text to an SVG string with Graphviz compiled to WebAssembly (`@viz-js/viz`, an
 * optional peer dependency that must be installed), in Node or in a browser. The WebAssembly
 * module loads once, on the first call.
 *
 * @throws Error if `@viz-js/viz` is not installed, or with Graphviz's message if the DOT text does not parse.
 * @example
 * const svg = await dotToSvg("digraph { a -> b }");
 */
export async function dotToSvg(dot: string): Promise<string> {
  graphviz ??= loadGraphviz();
  return (await graphviz).renderString(dot, { format: "svg" });
}

/**
 * The computation graph of `root` as SVG: {@link toDot} rendered by {@link dotToSvg}.
 *
 * @example
 * writeFileSync("graph.svg", await toSvg(loss));
 */
export async function toSvg(root: Value, options: DotOptions = {}): Promise<string> {
  return dotToSvg(toDot(root, options));
}

export { toDot };
export type { DotOptions };
