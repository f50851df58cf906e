/**
 * Explains a disagreement between the two engines: each condition entry of each statement is run alone
 * through both; the first entry they disagree on is given the class of known-disagreements.json whose
 * predicate it satisfies, or `unexplained`.
 */
import { buildRequestContext, evaluateCondition, parseOperator, type RequestContext } from '../../../src/trust/index.js';
import { PROVIDER_ARN, type Claims, type Policy } from './cases.js';
import type { Simulate, SimulatorContext } from './simulator.js';

export interface Entry {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

/** The request context both engines see: ours as a map, the simulator's as a record (arrays for several values). */
export function contexts(claims: Claims): { ours: RequestContext; simulator: SimulatorContext } {
  const ours = buildRequestContext(claims, String(claims.iss));
  const simulator: SimulatorContext = {};
  for (const entry of ours.values()) simulator[entry.key] = entry.values.length === 1 ? entry.values[0]! : [...entry.values];
  return { ours, simulator };
}

const nonAscii = (text: string): boolean => /[^\u0000-\u007f]/.test(text);
const outsideBmp = (text: string): boolean => [...text].some((ch) => ch.codePointAt(0)! > 0xffff);

/** The class of a disagreeing entry: the predicates of known-disagreements.json, in code. */
export function classOf(entry: Entry, context: RequestContext): string {
  const op = parseOperator(entry.operator);
  const present = context.get(entry.key.toLowerCase());
  const tokenValues = present?.values ?? [];
  if (op?.set && op.ifExists && !present) return 'set-qualifier-ifexists-on-absent-key';
  if (op?.wildcards && entry.values.some((v) => v.includes('?')) && tokenValues.some(outsideBmp)) return 'question-mark-outside-bmp';
  if (op?.ignoreCase && [...entry.values, ...tokenValues].some(nonAscii)) return 'ignorecase-non-ascii';
  return 'unexplained';
}

function entries(statement: Record<string, unknown>): Entry[] {
  const out: Entry[] = [];
  for (const [operator, body] of Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [key, value] of Object.entries(body)) out.push({ operator, key, values: (Array.isArray(value) ? value : [value]).map(String) });
  }
  return out;
}

/** The first entry the engines disagree on, with its class; `unexplained` when every entry agrees. */
export function explain(policy: Policy, claims: Claims, simulate: Simulate): { class: string; entry?: Entry } {
  const { ours, simulator } = contexts(claims);
  for (const statement of policy.Statement) {
    for (const entry of entries(statement)) {
      const condition = { [entry.operator]: { [entry.key]: entry.values } };
      const mine = evaluateCondition(condition, ours, { version: policy.Version ?? '2008-10-17', unevaluated: 'fail' }).holds;
      const single = { Version: policy.Version, Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }] };
      const theirs = simulate(single, PROVIDER_ARN, simulator) === 'allow';
      if (mine !== theirs) return { class: classOf(entry, ours), entry };
    }
  }
  return { class: 'unexplained' };
}
