/**
 * Documents as trees that remember where each value was written (1-based line numbers), from JSON
 * (a small position-tracking parser here) or YAML (yaml.ts). Sources use them to say on which line
 * a role and each finding sit.
 */
import { checkJsonNesting } from '../../shared/bounded-parse.js';
import { index, member } from '../path.js';

export type Scalar = string | number | boolean | null;

export interface MapEntry {
  readonly key: string;
  readonly keyLine: number;
  readonly value: LNode;
}

export type LNode =
  | { readonly kind: 'map'; readonly line: number; readonly entries: readonly MapEntry[]; readonly tag?: string }
  | { readonly kind: 'seq'; readonly line: number; readonly items: readonly LNode[]; readonly tag?: string }
  | { readonly kind: 'scalar'; readonly line: number; readonly value: Scalar; readonly tag?: string };

/** A document that is not valid JSON/YAML; says where. */
export class SourceSyntaxError extends Error {
  override readonly name = 'SourceSyntaxError';
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

/**
 * Parses JSON (RFC 8259, a leading BOM allowed) into a located tree. Nesting deeper than the
 * shared limit is a BoundedParseError naming `name`: this parser, and every walker after it, recurses.
 */
export function parseJsonLocated(text: string, name = 'the JSON document'): LNode {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  checkJsonNesting(text, { name });
  const fail = (expected: string): never => {
    const found = i >= text.length ? 'the end of the document' : JSON.stringify(text[i]);
    throw new SourceSyntaxError(`expected ${expected}, found ${found}`, line, i - lineStart + 1);
  };
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = ++i;
      } else if (c === 32 || c === 9 || c === 13) i++;
      else return;
    }
  };
  const string = (): string => {
    const start = i++;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) fail('a closing quote');
      if (c === 34) break;
      if (c < 0x20) fail('a closing quote (control characters must be escaped)');
      i += c === 92 ? 2 : 1;
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return fail('a valid string (bad escape sequence)');
    }
  };
  const value = (): LNode => {
    ws();
    const at = line;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: MapEntry[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'map', line: at, entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        const keyLine = line;
        const key = string();
        ws();
        if (text[i] !== ':') fail('":" after the property name');
        i++;
        entries.push({ key, keyLine, value: value() });
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { kind: 'map', line: at, entries };
        } else fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: LNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'seq', line: at, items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return { kind: 'seq', line: at, items };
        } else fail('"," or "]"');
      }
    }
    if (c === '"') return { kind: 'scalar', line: at, value: string() };
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { kind: 'scalar', line: at, value: v };
      }
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const number = m.exec(text);
    if (!number) return fail('a value');
    i += number[0].length;
    return { kind: 'scalar', line: at, value: Number(number[0]) };
  };
  const root = value();
  ws();
  if (i < text.length) fail('the end of the document');
  return root;
}

/** The plain value of a node (tags ignored). */
export function toPlain(node: LNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const e of node.entries) setOwn(out, e.key, toPlain(e.value));
  return out;
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The entry for a key of a map node. */
export function get(node: LNode | undefined, key: string): LNode | undefined {
  return node?.kind === 'map' ? node.entries.find((e) => e.key === key)?.value : undefined;
}

/** The line of each JSON path under a node (`$.Statement[0].Condition…`, as lint reports paths). */
export function lineIndex(node: LNode, root = '$', out = new Map<string, number>()): Map<string, number> {
  if (!out.has(root)) out.set(root, node.line);
  if (node.kind === 'map') {
    for (const e of node.entries) {
      const path = member(root, e.key);
      out.set(path, e.keyLine);
      lineIndex(e.value, path, out);
    }
  } else if (node.kind === 'seq') {
    node.items.forEach((item, i) => lineIndex(item, index(root, i), out));
  }
  return out;
}

/** The line of a path, or of its nearest ancestor that has one. */
export function lineOf(lines: ReadonlyMap<string, number>, path: string): number | undefined {
  let p = path;
  for (;;) {
    const line = lines.get(p);
    if (line !== undefined) return line;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return undefined;
    p = p.slice(0, cut);
  }
}
