/**
 * Text for a field of a Graphviz record label, shown literally whatever it contains.
 *
 * Graphviz reads a record label in three passes, and each needs its own escape: the DOT string
 * (`"`), the record syntax (`{ } | < >`, and spaces, which separate tokens and are
 * trimmed), and label text
 * (`\` escapes such as `\n`, and `&…;` entities). Control characters are shown as visible escapes
 * (a newline as `\n`), and lone surrogates as U+FFFD, so nothing can break the structure.
 */
export function recordText(text: string): string {
  let out = "";
  for (const ch of text) out += escapeChar(ch);
  return out;
}

function escapeChar(ch: string): string {
  switch (ch) {
    case "\\":
      return "\\\\";
    case '"':
      return '\\"';
    case "{":
    case "}":
    case "|":
    case "<":
    case ">":
      return `\\${ch}`;
    case " ":
      // A no-break space looks the same but is not a token separator, so none is trimmed.
      return "\u00a0";
    case "&":
      return "&amp;";
    case "\n":
      return "\\\\n";
    case "\r":
      return "\\\\r";
    case "\t":
      return "\\\\t";
  }
  const code = ch.codePointAt(0) as number;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return `\\\\x${code.toString(16).padStart(2, "0")}`;
  // Iterating by code point leaves a lone surrogate on its own; it is not valid UTF-8.
  if (code >= 0xd800 && code <= 0xdfff) return "\uFFFD";
  return ch;
}
