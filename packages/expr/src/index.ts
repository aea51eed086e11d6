export { ExpressionError, parseExpression } from "./parse.js";
export type { Expr } from "./parse.js";
export { evaluateExpression, expressionText, expressionVariables } from "./evaluate.js";
export type { Evaluated } from "./evaluate.js";
