import { Value, dot, sum, topologicalOrder } from "@micrograd/engine";
import { MLP } from "@micrograd/nn";
import { instance } from "@viz-js/viz";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GraphTooLargeError, toDot } from "./index.js";
import { dotToSvg, toSvg } from "./svg.js";

function seedNeuron() {
  const x1 = new Value(2, { label: "x1" });
  const x2 = new Value(0, { label: "x2" });
  const w1 = new Value(-3, { label: "w1" });
  const w2 = new Value(1, { label: "w2" });
  const b = new Value(6.8813735870195432, { label: "b" });
  const x1w1 = x1.mul(w1);
  x1w1.label = "x1*w1";
  const x2w2 = x2.mul(w2);
  x2w2.label = "x2*w2";
  const sum12 = x1w1.add(x2w2);
  sum12.label = "x1*w1 + x2*w2";
  const n = sum12.add(b);
  n.label = "n";
  const o = n.tanh();
  o.label = "o";
  o.backward();
  return o;
}

/** What a label looks like once drawn: control characters as visible escapes. */
function shown(label: string): string {
  let out = "";
  for (const ch of label) {
    const code = ch.codePointAt(0) as number;
    if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += "\uFFFD";
    else out += ch;
  }
  return out;
}

/** The text of every `<text>` element of an SVG, XML entities decoded. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/gs)].map((m) =>
    (m[1] as string)
      .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&apos;/g, "'").replace(/&amp;/g, "&")
      .replace(/\u00a0/g, " "),
  );
}

describe("toDot", () => {
  it("draws seed 002's neuron after backward exactly as recorded", async () => {
    await expect(toDot(seedNeuron())).toMatchFileSnapshot("./__snapshots__/seed002-neuron.dot");
  });

  it("writes records as the seed does, with an op node between operands and result", () => {
    const text = toDot(seedNeuron());
    expect(text).toContain('[label="{ o | data 0.7071 | grad 1.0000 }"]');
    expect(text).toContain('[label="{ w1 | data -3.0000 | grad 1.0000 }"]');
    expect(text).toContain('[label="tanh", shape=ellipse]');
    expect(text).toMatch(/v\d+_op -> v\d+;/);
  });

  it("is deterministic: the same graph gives the same bytes", () => {
    expect(toDot(seedNeuron())).toBe(toDot(seedNeuron()));
  });

  it("leaves out the label part when a Value has none, and the grad when asked", () => {
    const text = toDot(new Value(1.5).mul(2), { showGrad: false, precision: 2 });
    expect(text).toContain('[label="{ data 3.00 }"]');
    expect(text).not.toContain("| grad");
  });

  it("honours rankdir", () => {
    expect(toDot(new Value(1))).toContain("rankdir=LR");
    expect(toDot(new Value(1), { rankdir: "TB" })).toContain("rankdir=TB");
    expect(() => toDot(new Value(1), { rankdir: "RL" as "LR" })).toThrow('rankdir must be "LR" or "TB", got "RL"');
  });

  it("refuses a graph bigger than maxNodes, saying how big it is and how to raise the limit", () => {
    let x = new Value(0);
    for (let i = 0; i < 100; i++) x = x.add(1);
    expect(() => toDot(x, { maxNodes: 50 })).toThrow(GraphTooLargeError);
    expect(() => toDot(x, { maxNodes: 50 })).toThrow("the graph has 201 Values, more than maxNodes (50); pass { maxNodes: 201 }");
    expect(toDot(x, { maxNodes: 201 })).toContain("digraph");
  });
});

describe("rendering with Graphviz", () => {
  it("renders the seed's neuron to an SVG showing every label and value", async () => {
    const svg = await toSvg(seedNeuron());
    expect(svg).toMatch(/^<\?xml|^<svg|<svg/);
    const texts = svgTexts(svg);
    for (const label of ["x1", "x2", "w1", "w2", "b", "x1*w1", "x2*w2", "x1*w1 + x2*w2", "n", "o"]) expect(texts).toContain(label);
    for (const value of ["data 0.7071", "grad 1.0000", "grad -1.5000", "grad 0.5000", "data 6.8814", "+", "*", "tanh"]) {
      expect(texts).toContain(value);
    }
  });

  it("draws n-ary nodes and a whole MLP's loss", async () => {
    const a = new Value(1, { label: "a" });
    const s = sum([a, dot([a, 2], [3, a]), 4]);
    const viz = await instance();
    const json = viz.renderJSON(toDot(s)) as { objects: unknown[]; edges: unknown[] };
    // Values a, 2, 3, dot, 4, sum + 2 op nodes; edges: 4 into dot's op, 3 into sum's op, 2 op → result.
    expect(json.objects).toHaveLength(8);
    expect(json.edges).toHaveLength(9);

    const model = new MLP(2, [4, 1], { seed: 1 });
    const loss = model.forward([0.5, -1])[0]!.sub(1).pow(2);
    loss.backward();
    const svg = await toSvg(loss);
    expect(svgTexts(svg).filter((t) => t.startsWith("data "))).toHaveLength(topologicalOrder(loss).length);
  });

  it("dotToSvg reports Graphviz's error for text that is not DOT", async () => {
    await expect(dotToSvg("digraph { a -> ")).rejects.toThrow();
  });

  it("shows any label literally and never lets it change the graph (fast-check)", async () => {
    const viz = await instance();
    const label = fc.oneof(
      fc.string({ unit: "binary", maxLength: 12 }),
      fc.string({ unit: fc.constantFrom("\\", '"', "{", "}", "|", "<", ">", " ", "\n", "&", ";", "a", "n", "N", "l", "#"), maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(label, { minLength: 3, maxLength: 3 }), async ([la, lb, lc]) => {
        const a = new Value(1, { label: la as string });
        const b = new Value(-2, { label: lb as string });
        const out = a.mul(b).add(a);
        out.label = lc as string;
        const text = toDot(out);
        const json = viz.renderJSON(text) as { objects: unknown[]; edges: unknown[] };
        expect(json.objects).toHaveLength(4 + 2); // a, b, a*b, out and two op nodes
        expect(json.edges).toHaveLength(6);
        const texts = svgTexts(await dotToSvg(text));
        for (const l of [la, lb, lc] as string[]) if (l !== "") expect(texts).toContain(shown(l).replace(/\u00a0/g, " "));
      }),
      { numRuns: 150 },
    );
  });
});
