import { crossCopyInstanceof, topologicalOrder } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";
import { recordText } from "./escape.js";

/** Options for {@link toDot}. */
export interface DotOptions {
  /** `"LR"` (left to right, default) or `"TB"` (top to bottom). */
  rankdir?: "LR" | "TB";
  /** Digits after the decimal point for data and grad; default 4, as in seed 002. */
  precision?: number;
  /** Show each Value's grad; default true. */
  showGrad?: boolean;
  /** Refuse graphs with more Values than this; default 5000 (Graphviz gets slow beyond). */
  maxNodes?: number;
}

/** Thrown by {@link toDot} when a graph has more Values than `maxNodes`. */
export class GraphTooLargeError extends RangeError {
  override name = "GraphTooLargeError";
}
crossCopyInstanceof(GraphTooLargeError, "@micrograd/viz/GraphTooLargeError");

/**
 * The computation graph of `root` as Graphviz DOT, drawn as seed 002's `draw_dot` does: every
 * Value a record `{ label | data 0.7071 | grad 1.0000 }`, every op a small node between its
 * operands and its result. Node ids follow the graph's topological order, so the same graph
 * always gives the same text, byte for byte. Labels are escaped: any text shows literally.
 *
 * @throws GraphTooLargeError if the graph has more than `maxNodes` Values.
 * @throws RangeError for an unknown `rankdir` or a `precision` outside 0…20.
 * @example
 * const dot = toDot(o, { rankdir: "TB" });
 */
export function toDot(root: Value, options: DotOptions = {}): string {
  const { rankdir = "LR", precision = 4, showGrad = true, maxNodes = 5000 } = options;
  if (rankdir !== "LR" && rankdir !== "TB") {
    throw new RangeError(`toDot: rankdir must be "LR" or "TB", got ${JSON.stringify(rankdir)}`);
  }
  if (!Number.isInteger(precision) || precision < 0 || precision > 20) {
    throw new RangeError(`toDot: precision must be an integer from 0 to 20, got ${precision}`);
  }
  const order = topologicalOrder(root);
  if (order.length > maxNodes) {
    throw new GraphTooLargeError(
      `toDot: the graph has ${order.length} Values, more than maxNodes (${maxNodes}); ` +
        `pass { maxNodes: ${order.length} } or more to draw it anyway`,
    );
  }
  const id = new Map(order.map((v, i) => [v, `v${i}`]));
  const lines = ["digraph micrograd {", `  graph [rankdir=${rankdir}];`, "  node [shape=record];"];
  for (const v of order) {
    const fields = [`data ${v.data.toFixed(precision)}`];
    if (showGrad) fields.push(`grad ${v.grad.toFixed(precision)}`);
    if (v.label !== "") fields.unshift(recordText(v.label));
    const name = id.get(v) as string;
    lines.push(`  ${name} [label="{ ${fields.join(" | ")} }"];`);
    if (v.op === "") continue;
    lines.push(`  ${name}_op [label="${recordText(v.op)}", shape=ellipse];`);
    lines.push(`  ${name}_op -> ${name};`);
    for (const child of v.children) lines.push(`  ${id.get(child) as string} -> ${name}_op;`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
