/**
 * A small HCL writer whose output is already as `terraform fmt` leaves it: two-space indents, and
 * the `=` of consecutive one-line attributes aligned (a multi-line value, a blank line or a nested
 * block ends the run, as in hclwrite). Pure.
 */

export type HclExpr =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** An expression written as is: a reference (`aws_iam_role.x.arn`), a conditional. */
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly HclExpr[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, HclExpr])[] }
  | { readonly kind: 'call'; readonly name: string; readonly arg: HclExpr };

export type HclItem =
  | { readonly kind: 'attribute'; readonly name: string; readonly value: HclExpr }
  | { readonly kind: 'block'; readonly type: string; readonly labels: readonly string[]; readonly body: readonly HclItem[] }
  | { readonly kind: 'blank' }
  | { readonly kind: 'comment'; readonly text: string };

export const hcl = {
  str: (value: string): HclExpr => ({ kind: 'string', value }),
  num: (value: number): HclExpr => ({ kind: 'number', value }),
  bool: (value: boolean): HclExpr => ({ kind: 'bool', value }),
  raw: (text: string): HclExpr => ({ kind: 'raw', text }),
  list: (items: readonly HclExpr[]): HclExpr => ({ kind: 'list', items }),
  object: (entries: readonly (readonly [string, HclExpr])[]): HclExpr => ({ kind: 'object', entries }),
  call: (name: string, arg: HclExpr): HclExpr => ({ kind: 'call', name, arg }),
  attr: (name: string, value: HclExpr): HclItem => ({ kind: 'attribute', name, value }),
  block: (type: string, labels: readonly string[], body: readonly HclItem[]): HclItem => ({ kind: 'block', type, labels, body }),
  blank: { kind: 'blank' } as HclItem,
  comment: (text: string): HclItem => ({ kind: 'comment', text }),
};

/** A quoted HCL string: JSON-like escapes, and `${` / `%{` doubled so they stay literal. */
export function hclString(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]|[\x00-\x1f\x7f]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  // Template sequences are doubled to stay literal (a function, since "$$" means "$" in a replacement string).
  return `"${escaped.replace(/([$%])\{/g, (_match, sign: string) => `${sign}${sign}{`)}"`;
}

/** A plain identifier needs no quotes as an object key. */
function objectKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : hclString(key);
}

/** Lines of an expression; the first line is not indented, the rest are indented relative to `indent`. */
function exprLines(expr: HclExpr, indent: string): string[] {
  switch (expr.kind) {
    case 'string':
      return [hclString(expr.value)];
    case 'number':
      return [String(expr.value)];
    case 'bool':
      return [String(expr.value)];
    case 'raw':
      return [expr.text];
    case 'call': {
      const lines = exprLines(expr.arg, indent);
      lines[0] = `${expr.name}(${lines[0]!}`;
      lines[lines.length - 1] += ')';
      return lines;
    }
    case 'list': {
      const items = expr.items.map((item) => exprLines(item, `${indent}  `));
      if (items.length === 0) return ['[]'];
      if (items.length === 1 && items[0]!.length === 1) return [`[${items[0]![0]!}]`];
      const lines = ['['];
      for (const item of items) {
        lines.push(`${indent}  ${item[0]!}`, ...item.slice(1));
        lines[lines.length - 1] += ',';
      }
      lines.push(`${indent}]`);
      return lines;
    }
    case 'object': {
      if (expr.entries.length === 0) return ['{}'];
      const body = expr.entries.map(([key, value]) => ({ name: objectKey(key), value }));
      return ['{', ...assignments(body, `${indent}  `), `${indent}}`];
    }
  }
}

/** `name = value` lines with the `=` of consecutive one-line values aligned. */
function assignments(entries: readonly { name: string; value: HclExpr }[], indent: string): string[] {
  const rendered = entries.map((e) => ({ name: e.name, lines: exprLines(e.value, indent) }));
  const out: string[] = [];
  let run: { name: string; line: string }[] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((r) => r.name.length));
    for (const r of run) out.push(`${indent}${r.name.padEnd(width)} = ${r.line}`);
    run = [];
  };
  for (const r of rendered) {
    if (r.lines.length === 1) {
      run.push({ name: r.name, line: r.lines[0]! });
      continue;
    }
    flush();
    out.push(`${indent}${r.name} = ${r.lines[0]!}`, ...r.lines.slice(1));
  }
  flush();
  return out;
}

function bodyLines(items: readonly HclItem[], indent: string): string[] {
  const out: string[] = [];
  let pending: { name: string; value: HclExpr }[] = [];
  const flush = () => {
    out.push(...assignments(pending, indent));
    pending = [];
  };
  for (const item of items) {
    if (item.kind === 'attribute') {
      pending.push({ name: item.name, value: item.value });
      continue;
    }
    flush();
    if (item.kind === 'blank') out.push('');
    else if (item.kind === 'comment') out.push(...item.text.split('\n').map((line) => `${indent}#${line === '' ? '' : ` ${line}`}`));
    else {
      const labels = item.labels.map((l) => ` ${hclString(l)}`).join('');
      out.push(`${indent}${item.type}${labels} {`, ...bodyLines(item.body, `${indent}  `), `${indent}}`);
    }
  }
  flush();
  return out;
}

/** Renders a file: top-level items, a newline at the end. */
export function renderHcl(items: readonly HclItem[]): string {
  return `${bodyLines(items, '').join('\n')}\n`;
}

/** A JSON value (a policy document) as an HCL expression, for `jsonencode(…)`. */
export function hclFromJson(value: unknown): HclExpr {
  if (typeof value === 'string') return hcl.str(value);
  if (typeof value === 'number') return hcl.num(value);
  if (typeof value === 'boolean') return hcl.bool(value);
  if (Array.isArray(value)) return hcl.list(value.map(hclFromJson));
  if (value !== null && typeof value === 'object') {
    if ('$hcl' in value) return hcl.raw(String((value as { $hcl: unknown }).$hcl));
    return hcl.object(Object.entries(value).map(([k, v]) => [k, hclFromJson(v)] as const));
  }
  return hcl.raw('null');
}
