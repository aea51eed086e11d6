import { crossCopyInstanceof } from "@micrograd/engine";

/** A parsed expression: numbers, variables, operators, and calls of the engine's ops. */
export type Expr =
  | { kind: "number"; value: number }
  | { kind: "variable"; name: string; at: number }
  | { kind: "binary"; op: "+" | "-" | "*" | "/"; left: Expr; right: Expr }
  | { kind: "power"; base: Expr; exponent: Expr; at: number }
  | { kind: "call"; name: string; args: Expr[]; at: number };

/** Thrown for text that is not an expression; `column` (1-based) points at the problem. */
export class ExpressionError extends SyntaxError {
  override name = "ExpressionError";
  constructor(message: string, readonly column: number) {
    super(`${message} at column ${column}`);
  }
}
crossCopyInstanceof(ExpressionError, "@micrograd/expr/ExpressionError");

type Token = { type: "number" | "name" | "op" | "end"; text: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/^().,]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) {
      const column = at + (text.slice(at).length - text.slice(at).trimStart().length) + 1;
      throw new ExpressionError(`unexpected character ${JSON.stringify(text[column - 1])}`, column);
    }
    const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? "").length;
    if (m[1] !== undefined) tokens.push({ type: "number", text: m[1], at: start + 1 });
    else if (m[2] !== undefined) tokens.push({ type: "name", text: m[2], at: start + 1 });
    else tokens.push({ type: "op", text: m[3] === "^" ? "**" : (m[3] as string), at: start + 1 });
    at = pattern.lastIndex;
  }
  tokens.push({ type: "end", text: "end of input", at: text.length + 1 });
  return tokens;
}

/**
 * Parses infix (`tanh(x1*w1 + x2*w2 + b)`, `a ** 2`, `a ^ 2`) and method style
 * (`(a*b + c).relu()`) expressions. Precedence: `**` over unary minus over `* /` over `+ -`.
 *
 * @throws ExpressionError naming what was unexpected and where.
 * @example
 * parseExpression("(a*b + c).relu()");
 */
export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos] as Token;
  const next = () => tokens[pos++] as Token;
  const fail = (t: Token, what: string): never => {
    throw new ExpressionError(`expected ${what} but found ${t.type === "end" ? "the end" : JSON.stringify(t.text)}`, t.at);
  };
  const expect = (text: string) => {
    const t = next();
    if (t.text !== text || t.type !== "op") fail(t, JSON.stringify(text));
  };

  /** One level of left-associative binary operators, over the level that binds tighter. */
  const level = (ops: readonly ("+" | "-" | "*" | "/")[], tighter: () => Expr) => (): Expr => {
    let left = tighter();
    while (peek().type === "op" && (ops as readonly string[]).includes(peek().text)) {
      const op = next().text as (typeof ops)[number];
      left = { kind: "binary", op, left, right: tighter() };
    }
    return left;
  };
  const product = level(["*", "/"], () => unary());
  const sum = level(["+", "-"], product);

  function unary(): Expr {
    const t = peek();
    if (t.type === "op" && t.text === "-") {
      next();
      return { kind: "call", name: "neg", args: [unary()], at: t.at };
    }
    if (t.type === "op" && t.text === "+") {
      next();
      return unary();
    }
    return power();
  }

  function power(): Expr {
    const base = postfix();
    const t = peek();
    if (t.type === "op" && t.text === "**") {
      next();
      return { kind: "power", base, exponent: unary(), at: t.at };
    }
    return base;
  }

  function postfix(): Expr {
    let e = primary();
    while (peek().type === "op" && peek().text === ".") {
      next();
      const name = next();
      if (name.type !== "name") fail(name, "a method name after '.'");
      e = { kind: "call", name: name.text, args: [e, ...callArgs()], at: name.at };
    }
    return e;
  }

  function callArgs(): Expr[] {
    expect("(");
    const args: Expr[] = [];
    if (!(peek().type === "op" && peek().text === ")")) {
      args.push(sum());
      while (peek().type === "op" && peek().text === ",") {
        next();
        args.push(sum());
      }
    }
    expect(")");
    return args;
  }

  function primary(): Expr {
    const t = next();
    if (t.type === "number") return { kind: "number", value: Number(t.text) };
    if (t.type === "name") {
      if (peek().type === "op" && peek().text === "(") return { kind: "call", name: t.text, args: callArgs(), at: t.at };
      return { kind: "variable", name: t.text, at: t.at };
    }
    if (t.type === "op" && t.text === "(") {
      const e = sum();
      expect(")");
      return e;
    }
    return fail(t, "a number, a name or '('");
  }

  const result = sum();
  if (peek().type !== "end") fail(peek(), "an operator or the end");
  return result;
}
