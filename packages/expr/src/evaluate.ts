import { Value } from "@micrograd/engine";
import { ExpressionError, parseExpression } from "./parse.js";
import type { Expr } from "./parse.js";

const UNARY = {
  neg: (x: Value) => x.neg(),
  exp: (x: Value) => x.exp(),
  log: (x: Value) => x.log(),
  tanh: (x: Value) => x.tanh(),
  relu: (x: Value) => x.relu(),
  sigmoid: (x: Value) => x.sigmoid(),
  softplus: (x: Value) => x.softplus(),
  abs: (x: Value) => x.abs(),
  sqrt: (x: Value) => x.sqrt(),
  sin: (x: Value) => x.sin(),
  cos: (x: Value) => x.cos(),
  log1p: (x: Value) => x.log1p(),
  expm1: (x: Value) => x.expm1(),
  silu: (x: Value) => x.silu(),
  gelu: (x: Value) => x.gelu(),
  geluTanh: (x: Value) => x.gelu({ approximate: "tanh" }),
} as const;

const BINARY = {
  add: (x: Value, y: Value) => x.add(y),
  sub: (x: Value, y: Value) => x.sub(y),
  mul: (x: Value, y: Value) => x.mul(y),
  div: (x: Value, y: Value) => x.div(y),
  max: (x: Value, y: Value) => x.max(y),
  min: (x: Value, y: Value) => x.min(y),
  rsub: (x: Value, y: Value) => x.rsub(y),
  rdiv: (x: Value, y: Value) => x.rdiv(y),
} as const;

/** Calls whose arguments after the first are constant numbers: leakyRelu(x, slope?), clamp(x, min, max). */
const PARAMETRIC = {
  leakyRelu: { counts: [1, 2], apply: (x: Value, k: number[]) => x.leakyRelu(k[0]) },
  clamp: { counts: [3], apply: (x: Value, k: number[]) => x.clamp(k[0] as number, k[1] as number) },
} as const;

/** Longer sub-expressions stay unlabelled, so graphs stay readable. */
const MAX_LABEL = 24;

const PRECEDENCE = { "+": 1, "-": 1, "*": 2, "/": 2 } as const;

/** Canonical text for an expression: `x1*w1 + x2*w2`, parenthesised only where needed. */
export function expressionText(e: Expr): string {
  switch (e.kind) {
    case "number":
      return String(e.value);
    case "variable":
      return e.name;
    case "binary": {
      const side = (child: Expr, right: boolean) => {
        const text = expressionText(child);
        if (child.kind !== "binary") return text;
        const inner = PRECEDENCE[child.op];
        const outer = PRECEDENCE[e.op];
        return inner < outer || (right && inner === outer && (e.op === "-" || e.op === "/")) ? `(${text})` : text;
      };
      const spaced = e.op === "+" || e.op === "-";
      return `${side(e.left, false)}${spaced ? ` ${e.op} ` : e.op}${side(e.right, true)}`;
    }
    case "power": {
      const atom = (x: Expr) => (x.kind === "number" || x.kind === "variable" || x.kind === "call" ? expressionText(x) : `(${expressionText(x)})`);
      return `${atom(e.base)}**${atom(e.exponent)}`;
    }
    case "call":
      return `${e.name}(${e.args.map(expressionText).join(", ")})`;
  }
}

const FUNCTIONS = [...Object.keys(UNARY), ...Object.keys(BINARY), ...Object.keys(PARAMETRIC), "pow"].sort();

/** The names of the variables an expression reads, in order of first appearance. */
export function expressionVariables(expr: Expr | string): string[] {
  const tree = typeof expr === "string" ? parseExpression(expr) : expr;
  const names: string[] = [];
  const walk = (e: Expr): void => {
    if (e.kind === "variable" && !names.includes(e.name)) names.push(e.name);
    if (e.kind === "binary") [e.left, e.right].forEach(walk);
    if (e.kind === "power") [e.base, e.exponent].forEach(walk);
    if (e.kind === "call") e.args.forEach(walk);
  };
  walk(tree);
  return names;
}

/** What {@link evaluateExpression} built. */
export interface Evaluated {
  /** The expression's result; call `backward()` on it to fill the variables' grads. */
  output: Value;
  /** One leaf per variable, labelled with its name; a name used twice is one Value. */
  variables: Record<string, Value>;
}

/**
 * Parses `text` and builds it from Values: one labelled leaf per variable, taking its value from
 * `values`. Calls: `tanh exp log relu sigmoid neg softplus abs sqrt sin cos log1p expm1 silu gelu
 * geluTanh` (one argument), `add sub mul div max min rsub rdiv` (two), `leakyRelu(x, slope?)`,
 * `clamp(x, min, max)` (constant slope and bounds) and `pow(x, y)` (a constant exponent makes one
 * `**k` node; one that reads a variable, `**` of two Values) — also as methods: `x.tanh()`,
 * `x.pow(2)`, `x.clamp(-1, 1)`.
 *
 * @throws ExpressionError for bad syntax, unknown functions, wrong argument counts, a
 * non-constant exponent, or variables missing from `values`.
 * @example
 * const { output, variables } = evaluateExpression("tanh(x1*w1 + b)", { x1: 2, w1: -3, b: 6.88 });
 * output.backward();
 * variables.w1!.grad;
 */
export function evaluateExpression(text: string, values: Readonly<Record<string, number>>): Evaluated {
  const tree = parseExpression(text);
  const missing = expressionVariables(tree).filter((name) => !Object.hasOwn(values, name));
  if (missing.length > 0) {
    throw new ExpressionError(`no value given for ${missing.join(", ")}`, 1);
  }
  const variables: Record<string, Value> = {};
  const build = (e: Expr): Value => {
    const v = compute(e);
    // Name each intermediate Value after the text it stands for, as the seeds label x1*w1.
    if (v.label === "" && e.kind !== "number") {
      const text = expressionText(e);
      if (text.length <= MAX_LABEL) v.label = text;
    }
    return v;
  };
  const compute = (e: Expr): Value => {
    switch (e.kind) {
      case "number":
        return new Value(e.value);
      case "variable":
        return (variables[e.name] ??= new Value(values[e.name] as number, { label: e.name }));
      case "binary":
        return BINARY[({ "+": "add", "-": "sub", "*": "mul", "/": "div" } as const)[e.op]](build(e.left), build(e.right));
      case "power":
        return power(e.base, e.exponent);
      case "call":
        return call(e);
    }
  };
  // A constant exponent makes one `**k` node; one that reads a variable, `**` of two Values.
  const power = (base: Expr, exponent: Expr): Value =>
    expressionVariables(exponent).length > 0 ? build(base).pow(build(exponent)) : build(base).pow(build(exponent).data);
  const constant = (e: Expr, what: string, at: number): number => {
    if (expressionVariables(e).length > 0) throw new ExpressionError(`${what} must be a constant number`, at);
    return build(e).data;
  };
  const call = (e: Extract<Expr, { kind: "call" }>): Value => {
    const arity = (n: number) => {
      if (e.args.length !== n) throw new ExpressionError(`${e.name} takes ${n} argument${n === 1 ? "" : "s"}, got ${e.args.length}`, e.at);
    };
    if (Object.hasOwn(UNARY, e.name)) {
      arity(1);
      return UNARY[e.name as keyof typeof UNARY](build(e.args[0] as Expr));
    }
    if (Object.hasOwn(BINARY, e.name)) {
      arity(2);
      return BINARY[e.name as keyof typeof BINARY](build(e.args[0] as Expr), build(e.args[1] as Expr));
    }
    if (Object.hasOwn(PARAMETRIC, e.name)) {
      const { counts, apply } = PARAMETRIC[e.name as keyof typeof PARAMETRIC];
      if (!(counts as readonly number[]).includes(e.args.length)) {
        throw new ExpressionError(`${e.name} takes ${counts.join(" or ")} arguments, got ${e.args.length}`, e.at);
      }
      const [x, ...rest] = e.args as [Expr, ...Expr[]];
      return apply(build(x), rest.map((k) => constant(k, `${e.name}'s ${e.name === "clamp" ? "bounds" : "slope"}`, e.at)));
    }
    if (e.name === "pow") {
      arity(2);
      return power(e.args[0] as Expr, e.args[1] as Expr);
    }
    throw new ExpressionError(`unknown function ${JSON.stringify(e.name)}; known: ${FUNCTIONS.join(", ")}`, e.at);
  };
  return { output: build(tree), variables };
}
