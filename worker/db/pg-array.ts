/**
 * A Postgres array literal (`{a,"b c",NULL,{1,2}}`), parsed as postgres-array 2 does for
 * node-postgres and the Neon driver: quoted and escaped elements, unquoted NULL as null,
 * nested arrays, an optional `[1:2]=` dimension prefix. `parseElement` sees every non-null element.
 */
export function parsePgArray(source: string, parseElement: (text: string) => unknown): unknown[] {
  return parseFrom(source, parseElement, false).entries;
}

function parseFrom(source: string, parseElement: (text: string) => unknown, nested: boolean) {
  const entries: unknown[] = [];
  let recorded: string[] = [];
  let position = 0;
  let dimension = 0;
  let quoted = false;

  const next = () => {
    const value = source[position++];
    return value === "\\" ? { value: source[position++], escaped: true } : { value, escaped: false };
  };
  const newEntry = (wasQuoted = false) => {
    if (recorded.length === 0 && !wasQuoted) return;
    const text = recorded.join("");
    entries.push(text === "NULL" && !wasQuoted ? null : parseElement(text));
    recorded = [];
  };

  if (source[0] === "[") {
    while (position < source.length && next().value !== "=");
  }
  while (position < source.length) {
    const char = next();
    if (char.value === "{" && !quoted) {
      dimension++;
      if (dimension > 1) {
        const inner = parseFrom(source.slice(position - 1), parseElement, true);
        entries.push(inner.entries);
        position += inner.position - 2;
      }
    } else if (char.value === "}" && !quoted) {
      dimension--;
      if (!dimension) {
        newEntry();
        if (nested) return { entries, position };
      }
    } else if (char.value === '"' && !char.escaped) {
      if (quoted) newEntry(true);
      quoted = !quoted;
    } else if (char.value === "," && !quoted) {
      newEntry();
    } else {
      recorded.push(char.value);
    }
  }
  if (dimension !== 0) throw new Error("array dimension not balanced");
  return { entries, position };
}
