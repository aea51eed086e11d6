import type { Value } from "@micrograd/engine";
import { instance } from "@viz-js/viz";
import { toDot } from "./dot.js";
import type { DotOptions } from "./dot.js";

let graphviz: ReturnType<typeof instance> | undefined;

/**
 * Renders DOT text to an SVG string with Graphviz compiled to WebAssembly (`@viz-js/viz`), in
 * Node or in a browser. The WebAssembly module loads once, on the first call.
 *
 * @throws Error with Graphviz's message if the DOT text does not parse.
 * @example
 * const svg = await dotToSvg("digraph { a -> b }");
 */
export async function dotToSvg(dot: string): Promise<string> {
  graphviz ??= instance();
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
