/**
 * A minimal HCL reader for the Checkov fixtures in the corpus: `data "aws_iam_policy_document"` blocks
 * and `resource "aws_iam_role"` blocks with `assume_role_policy = jsonencode({...})`. Only what those
 * files use: blocks with labels, attributes, strings, numbers, booleans, lists, objects, function calls.
 */

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '/' && source[i + 1] === '/')) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      i = source.indexOf('*/', i + 2) + 2;
    } else if (c === '"') {
      let text = '';
      i++;
      while (source[i] !== '"') {
        if (source[i] === '\\') {
          const next = source[i + 1]!;
          text += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
        } else {
          text += source[i++];
        }
      }
      i++;
      tokens.push({ kind: 'string', text });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i))![0];
      tokens.push({ kind: 'ident', text: m });
      i += m.length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9.]+/.exec(source.slice(i))![0];
      tokens.push({ kind: 'number', text: m });
      i += m.length;
    } else if ('{}[]()=,:'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else {
      throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
    }
  }
  return tokens;
}

export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
}
export interface HclBody {
  attributes: Record<string, unknown>;
  blocks: HclBlock[];
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}
  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error('unexpected end of input');
    return t;
  }
  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text) throw new Error(`expected ${text}, got ${t.text}`);
  }
  body(end: string | undefined): HclBody {
    const body: HclBody = { attributes: {}, blocks: [] };
    for (;;) {
      const t = this.peek();
      if (!t) {
        if (end === undefined) return body;
        throw new Error(`missing ${end}`);
      }
      if (t.kind === 'punct' && t.text === end) {
        this.pos++;
        return body;
      }
      const name = this.next();
      if (name.kind !== 'ident') throw new Error(`expected a name, got ${name.text}`);
      if (this.peek()?.text === '=') {
        this.pos++;
        body.attributes[name.text] = this.value();
      } else {
        const labels: string[] = [];
        while (this.peek()?.kind === 'string') labels.push(this.next().text);
        this.expect('{');
        body.blocks.push({ type: name.text, labels, body: this.body('}') });
      }
    }
  }
  value(): unknown {
    const t = this.next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'ident') {
      if (t.text === 'true') return true;
      if (t.text === 'false') return false;
      if (this.peek()?.text === '(') {
        this.pos++;
        const arg = this.value();
        this.expect(')');
        return arg; // jsonencode(x) → x
      }
      throw new Error(`unsupported expression ${t.text}`);
    }
    if (t.text === '[') {
      const list: unknown[] = [];
      while (this.peek()?.text !== ']') {
        list.push(this.value());
        if (this.peek()?.text === ',') this.pos++;
      }
      this.pos++;
      return list;
    }
    if (t.text === '{') {
      const object: Record<string, unknown> = {};
      while (this.peek()?.text !== '}') {
        const key = this.next();
        const sep = this.next();
        if (sep.text !== '=' && sep.text !== ':') throw new Error(`expected = after ${key.text}`);
        object[key.text] = this.value();
        if (this.peek()?.text === ',') this.pos++;
      }
      this.pos++;
      return object;
    }
    throw new Error(`unexpected ${t.text}`);
  }
}

export function parseHcl(source: string): HclBlock[] {
  return new Parser(tokenize(source)).body(undefined).blocks;
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : [value as string];
}

/** Renders an `aws_iam_policy_document` data block as the JSON policy Terraform would produce. */
export function policyFromDataBlock(block: HclBlock): Record<string, unknown> {
  const statements = block.body.blocks
    .filter((b) => b.type === 'statement')
    .map((s) => {
      const a = s.body.attributes;
      const statement: Record<string, unknown> = { Effect: (a.effect as string | undefined) ?? 'Allow' };
      const actions = a.actions ?? a.action;
      if (actions !== undefined) statement.Action = asList(actions);
      const principals = s.body.blocks.filter((b) => b.type === 'principals');
      if (principals.length > 0) {
        const principal: Record<string, string[]> = {};
        for (const p of principals) principal[p.body.attributes.type as string] = asList(p.body.attributes.identifiers);
        statement.Principal = principal;
      }
      if (a.resources !== undefined) statement.Resource = asList(a.resources);
      const conditions = s.body.blocks.filter((b) => b.type === 'condition');
      if (conditions.length > 0) {
        const condition: Record<string, Record<string, string[]>> = {};
        for (const c of conditions) {
          const test = c.body.attributes.test as string;
          const variable = c.body.attributes.variable as string;
          condition[test] ??= {};
          condition[test][variable] = [...(condition[test][variable] ?? []), ...asList(c.body.attributes.values)];
        }
        statement.Condition = condition;
      }
      return statement;
    });
  return { ...(block.body.attributes.version ? { Version: block.body.attributes.version } : {}), Statement: statements };
}

/** The named policies of a Checkov fixture file (data blocks, or aws_iam_role assume_role_policy). */
export function policiesFromFixture(source: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const block of parseHcl(source)) {
    const name = block.labels[1]!;
    if (block.type === 'data' && block.labels[0] === 'aws_iam_policy_document') out.set(name, policyFromDataBlock(block));
    else if (block.type === 'resource' && block.labels[0] === 'aws_iam_role') {
      out.set(name, block.body.attributes.assume_role_policy as Record<string, unknown>);
    }
  }
  return out;
}
