type Child = Node | string | null | undefined | false;

/**
 * Creates an element with attributes and children. Text always goes in as text nodes, never as
 * HTML, so user text (labels, expressions) cannot inject markup.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** A labelled form control: `<label>text <control></label>`. */
export function field(text: string, control: HTMLElement): HTMLLabelElement {
  return el("label", { class: "field" }, el("span", {}, text), control);
}

/** A `<select>` with the given options. */
export function select(id: string, options: readonly string[], value: string): HTMLSelectElement {
  const s = el("select", { id });
  for (const o of options) s.append(el("option", { value: o, selected: o === value }, o));
  return s;
}

/** Formats a number for display with a fixed number of decimals. */
export const fixed = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
