/** Policy variables in condition values (`${key}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}`): resolved against the request context. */
import type { RequestContext } from './keys.js';
import type { OperatorSpec } from './operators.js';
import { compileStringLike, literalUnits, type PatternUnit } from './wildcard.js';

type Resolved = { ok: true; text: string; units: PatternUnit[] } | { ok: false; variable: string };

/** Splits the inside of `${…}` into key and optional quoted default. */
function parseVariable(inner: string): { key: string; fallback?: string } | undefined {
  const comma = inner.indexOf(',');
  if (comma < 0) {
    const key = inner.trim();
    return key === '' || /\s/.test(key) ? undefined : { key };
  }
  const key = inner.slice(0, comma).trim();
  const rest = inner.slice(comma + 1).trim();
  if (key === '' || !rest.startsWith("'") || !rest.endsWith("'") || rest.length < 2) return undefined;
  return { key, fallback: rest.slice(1, -1).replace(/''/g, "'") };
}

/** Finds the `}` closing a `${` at `start`, honouring quoted defaults. */
function closingBrace(value: string, start: number): number {
  let inQuote = false;
  for (let i = start + 2; i < value.length; i++) {
    const c = value[i];
    if (c === "'") inQuote = !inQuote;
    else if (c === '}' && !inQuote) return i;
  }
  return -1;
}

/** Resolves one policy value against the context: variables substituted, wildcards compiled. */
export function resolvePolicyValue(value: string, op: OperatorSpec, context: RequestContext, version?: string): Resolved {
  const variables = version === '2012-10-17' && op.takesVariables && value.includes('${');
  if (!variables) {
    return { ok: true, text: value, units: op.wildcards ? compileStringLike(value) : literalUnits(value) };
  }
  let text = '';
  const units: PatternUnit[] = [];
  const pushRaw = (chunk: string): void => {
    text += chunk;
    units.push(...(op.wildcards ? compileStringLike(chunk) : literalUnits(chunk)));
  };
  const pushLiteral = (chunk: string): void => {
    text += chunk;
    units.push(...literalUnits(chunk));
  };
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf('${', i);
    if (start < 0) {
      pushRaw(value.slice(i));
      break;
    }
    pushRaw(value.slice(i, start));
    const end = closingBrace(value, start);
    if (end < 0) {
      pushRaw(value.slice(start));
      break;
    }
    const inner = value.slice(start + 2, end);
    if (inner === '*' || inner === '?' || inner === '$') {
      pushLiteral(inner);
    } else {
      const variable = parseVariable(inner);
      if (!variable) return { ok: false, variable: value.slice(start, end + 1) };
      const entry = context.get(variable.key.toLowerCase());
      if (entry && entry.values.length === 1) pushLiteral(entry.values[0]!);
      else if (variable.fallback !== undefined) pushLiteral(variable.fallback);
      else return { ok: false, variable: value.slice(start, end + 1) };
    }
    i = end + 1;
  }
  return { ok: true, text, units };
}
