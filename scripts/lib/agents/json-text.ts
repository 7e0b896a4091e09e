// Edits a JSON file as text, so that everything the kit does not add keeps its bytes: the spans of
// values are found by a small scanner, and new members or elements are spliced in with the file's own
// indentation. Only for files JSON.parse accepts (no comments).

interface Span {
  start: number;
  end: number;
}
interface Member extends Span {
  key: string;
  value: Node;
}
type Node = Span & ({ kind: 'object'; members: Member[] } | { kind: 'array'; items: Node[] } | { kind: 'scalar' });

function scan(text: string): Node {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): Node => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members: Member[] = [];
      ws();
      while (text[i] !== '}') {
        const mStart = i;
        const key = str();
        ws();
        i++; // :
        const v = value();
        members.push({ key, value: v, start: mStart, end: v.end });
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
      return { kind: 'object', members, start, end: i };
    }
    if (c === '[') {
      i++;
      const items: Node[] = [];
      ws();
      while (text[i] !== ']') {
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
      return { kind: 'array', items, start, end: i };
    }
    if (c === '"') {
      str();
      return { kind: 'scalar', start, end: i };
    }
    while (i < text.length && !',}] \t\n\r'.includes(text[i] as string)) i++;
    return { kind: 'scalar', start, end: i };
  };
  return value();
}

/** The whitespace at the start of the line `at` is on. */
function lineIndent(text: string, at: number): string {
  const ls = text.lastIndexOf('\n', at - 1) + 1;
  return /^[ \t]*/.exec(text.slice(ls))?.[0] ?? '';
}

/** The indentation one level deeper than `indent`, in the file's own unit (two spaces when it has none). */
function unitOf(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
}

/** `value` (JSON text of one line or many, indented from column 0) re-indented to start at `indent`. */
function indented(value: string, indent: string): string {
  return value.split('\n').join(`\n${indent}`);
}

/** Splices `piece` in as the last child of the container `node` (`{`...`}` or `[`...`]`). */
function appendChild(text: string, node: Node, children: Span[], piece: (indent: string) => string): string {
  const unit = unitOf(text);
  const multiLine = text.slice(node.start, node.end).includes('\n') || children.length === 0;
  const last = children[children.length - 1];
  if (last) {
    const indent = lineIndent(text, last.start);
    const sep = multiLine ? `,\n${indent}` : ', ';
    return text.slice(0, last.end) + sep + piece(multiLine ? indent : '') + text.slice(last.end);
  }
  const outer = lineIndent(text, node.start);
  const inner = outer + unit;
  return `${text.slice(0, node.start + 1)}\n${inner}${piece(inner)}\n${outer}${text.slice(node.end - 1)}`;
}

function render(value: unknown, unit: string): string {
  return JSON.stringify(value, null, unit);
}

/**
 * The text with `value` appended to the array at `path` (object keys from the root), creating the
 * missing objects and the array on the way. Throws when something on the path is not what it should be.
 */
export function appendAt(text: string, path: readonly string[], value: unknown): string {
  const unit = unitOf(text);
  let node = scan(text);
  for (let depth = 0; depth < path.length; depth++) {
    if (node.kind !== 'object') throw new Error(`${path.slice(0, depth).join('.') || 'the top'} is not a JSON object`);
    const key = path[depth] as string;
    const member = node.members.find((m) => m.key === key);
    if (!member) {
      let v: unknown = [value];
      for (const k of path.slice(depth + 1).reverse()) v = { [k]: v };
      return appendChild(text, node, node.members, (indent) => `${JSON.stringify(key)}: ${indented(render(v, unit), indent)}`);
    }
    node = member.value;
  }
  if (node.kind !== 'array') throw new Error(`${path.join('.')} is not a JSON array`);
  return appendChild(text, node, node.items, (indent) => indented(render(value, unit), indent));
}

/** A new file holding `value` at `path`. */
export function newFileWith(path: readonly string[], value: unknown): string {
  let v: unknown = [value];
  for (const k of [...path].reverse()) v = { [k]: v };
  return `${JSON.stringify(v, null, 2)}\n`;
}
