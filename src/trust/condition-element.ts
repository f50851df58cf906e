/** Parsing a policy's `Condition` element into operator blocks of keys and string values, with their JSON paths. */
import { index, member } from './path.js';
import { parseOperator, type OperatorSpec } from './operators.js';
import { describe, isPlainObject, TrustPolicyError } from './policy-error.js';

export interface ParsedConditionEntry {
  /** The condition key as written (IAM compares key names case-insensitively). */
  readonly key: string;
  readonly path: string;
  /** The values as strings (JSON numbers and booleans are converted, as IAM does). */
  readonly values: readonly string[];
  /** JSON path of each value: the key's path when a single value was written without an array. */
  readonly valuePaths: readonly string[];
}

export interface ParsedConditionBlock {
  readonly operator: OperatorSpec;
  readonly path: string;
  readonly entries: readonly ParsedConditionEntry[];
}

function conditionValues(value: unknown, path: string): { values: string[]; paths: string[] } {
  const one = (item: unknown, itemPath: string): string => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new TrustPolicyError(`condition values must be strings (or numbers or booleans), got ${describe(item)}`, itemPath);
  };
  if (Array.isArray(value)) {
    return { values: value.map((item, i) => one(item, index(path, i))), paths: value.map((_, i) => index(path, i)) };
  }
  return { values: [one(value, path)], paths: [path] };
}

/** Parses a `Condition` element. Exported for evaluating bare condition blocks (test vectors). */
export function parseConditionElement(value: unknown, path = '$'): ParsedConditionBlock[] {
  if (!isPlainObject(value)) {
    throw new TrustPolicyError(`Condition must be an object of operators, e.g. {"StringEquals": {…}}, got ${describe(value)}`, path);
  }
  const blocks: ParsedConditionBlock[] = [];
  for (const [name, body] of Object.entries(value)) {
    const opPath = member(path, name);
    const operator = parseOperator(name);
    if (!operator) {
      throw new TrustPolicyError(
        `unknown condition operator ${JSON.stringify(name)}; expected e.g. StringEquals, StringLike, StringNotEquals, Null, Bool, optionally with an IfExists suffix and a ForAnyValue:/ForAllValues: prefix`,
        opPath,
      );
    }
    if (!isPlainObject(body)) {
      throw new TrustPolicyError(`${name} must map condition keys to values, e.g. {"token.actions.githubusercontent.com:sub": "repo:…"}, got ${describe(body)}`, opPath);
    }
    const entries: ParsedConditionEntry[] = [];
    for (const [key, raw] of Object.entries(body)) {
      const keyPath = member(opPath, key);
      if (key.trim() === '') throw new TrustPolicyError('empty condition key', keyPath);
      const { values, paths } = conditionValues(raw, keyPath);
      entries.push({ key, path: keyPath, values, valuePaths: paths });
    }
    blocks.push({ operator, path: opPath, entries });
  }
  return blocks;
}
