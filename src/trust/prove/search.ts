/**
 * Exhaustive search of one scenario: the run's free parts (fields) are generated one code point at
 * a time, in one global order, while every claim's pattern automaton reads the claim it builds from
 * them. The search state is (field, position in the field's domain, every claim automaton's state):
 * finite, so breadth-first search over it visits every reachable combination and either finds a
 * shortest run meeting the goal or proves there is none. A code point that no pattern names behaves
 * like any other, so one stands for all of them (see Domain.representatives).
 */
import type { PatternSetDfa } from './automaton.js';
import { DOMAINS, type FieldName } from './domains.js';
import { ProveError, type Part, type Scenario } from './run-model.js';

export interface TrackedClaim {
  readonly claim: string;
  readonly dfa: PatternSetDfa;
}

export interface SearchOutcome {
  /** The field values of a run meeting the goal, or undefined when none exists. */
  readonly found?: ReadonlyMap<FieldName, string>;
  readonly states: number;
}

/** Fields in the order they are generated: the subject's order first, so that it reads left to right. */
const DEFAULT_ORDER: readonly FieldName[] = [
  'owner', 'ownerId', 'name', 'repoId', 'environment', 'refName', 'prNumber', 'aud', 'actor', 'actorId', 'workflow',
  'jobWorkflowRef', 'enterpriseId', 'otherEvent', 'visibility', 'runnerEnvironment',
];

function fieldsOf(parts: readonly Part[]): FieldName[] {
  return parts.filter((p): p is { field: FieldName } => typeof p !== 'string').map((p) => p.field);
}

function fieldOrder(scenario: Scenario): FieldName[] {
  const order = fieldsOf(scenario.claims.get('sub') ?? []);
  for (const field of DEFAULT_ORDER) if (!order.includes(field)) order.push(field);
  return order;
}

interface Plan {
  readonly fields: FieldName[];
  /** Per claim of the group: the literal before its first field. */
  readonly leading: Map<number, string>;
  /** Per field: the claims reading it, each with the literal that follows the field in that claim. */
  readonly readers: { claim: number; after: string }[][];
  readonly special: Set<number>[];
}

/** How a group of claims that share fields is generated: which fields, and what each claim reads when. */
function plan(scenario: Scenario, tracked: readonly TrackedClaim[], members: readonly number[]): Plan {
  const order = fieldOrder(scenario);
  const rank = new Map(order.map((f, i) => [f, i]));
  const used = new Set<FieldName>();
  const leading = new Map<number, string>();
  const after = new Map<string, string>(); // `${claim index}:${field}` → literal after it
  for (const k of members) {
    const t = tracked[k]!;
    let last = -1;
    let literal = '';
    let previous: FieldName | undefined;
    for (const part of scenario.claims.get(t.claim)!) {
      if (typeof part === 'string') {
        literal += part;
        continue;
      }
      const r = rank.get(part.field)!;
      if (r <= last) {
        throw new ProveError(`the claim "${t.claim}" uses ${part.field} ${r === last ? 'twice' : 'out of order'} in this subject template, which prove does not decide`);
      }
      if (previous === undefined) leading.set(k, literal);
      else after.set(`${k}:${previous}`, literal);
      literal = '';
      last = r;
      previous = part.field;
      used.add(part.field);
    }
    if (previous === undefined) leading.set(k, literal);
    else after.set(`${k}:${previous}`, literal);
  }
  const fields = order.filter((f) => used.has(f));
  const readers = fields.map((field) => members.flatMap((k) => (after.has(`${k}:${field}`) ? [{ claim: k, after: after.get(`${k}:${field}`)! }] : [])));
  const special = readers.map((list) => {
    const set = new Set<number>();
    for (const r of list) for (const cp of tracked[r.claim]!.dfa.literals()) set.add(cp);
    return set;
  });
  return { fields, leading, readers, special };
}

/** Claims that share a field must be generated together; the others are independent. */
function groups(scenario: Scenario, tracked: readonly TrackedClaim[]): number[][] {
  const byField = new Map<FieldName, number>();
  const root = tracked.map((_, k) => k);
  const find = (k: number): number => (root[k] === k ? k : (root[k] = find(root[k]!)));
  tracked.forEach((t, k) => {
    for (const part of scenario.claims.get(t.claim)!) {
      if (typeof part === 'string') continue;
      const other = byField.get(part.field);
      if (other === undefined) byField.set(part.field, k);
      else root[find(k)] = find(other);
    }
  });
  const out = new Map<number, number[]>();
  tracked.forEach((_, k) => out.set(find(k), [...(out.get(find(k)) ?? []), k]));
  return [...out.values()];
}

/** One way a group can end: the claims' final automaton states, and the shortest field values reaching it. */
interface Ending {
  readonly finals: Map<number, number>;
  readonly values: Map<FieldName, string>;
}

/** Every distinct way (by which patterns match) a group of claims can end, breadth-first. */
function endings(scenario: Scenario, tracked: readonly TrackedClaim[], members: readonly number[], budget: { left: number }): Ending[] {
  const p = plan(scenario, tracked, members);
  const initial = members.map((k) => tracked[k]!.dfa.read(tracked[k]!.dfa.start, p.leading.get(k)!));
  const slot = new Map(members.map((k, i) => [k, i]));
  const found = new Map<string, Ending>();
  const signature = (ks: readonly number[]): string =>
    members.map((k, i) => Array.from({ length: tracked[k]!.dfa.patternCount }, (_, q) => (tracked[k]!.dfa.matches(ks[i]!, q) ? 1 : 0)).join('')).join('|');
  const record = (ks: readonly number[], values: () => Map<FieldName, string>): void => {
    const sig = signature(ks);
    if (!found.has(sig)) found.set(sig, { finals: new Map(members.map((k, i) => [k, ks[i]!])), values: values() });
  };
  if (p.fields.length === 0) {
    record(initial, () => new Map());
    return [...found.values()];
  }

  // Nodes: field index, domain state, claim states; parent and the code point that led here (-1: field end).
  const fieldIndex: number[] = [0];
  const domainState: number[] = [DOMAINS[p.fields[0]!].start];
  const claimStates: number[][] = [initial];
  const parent: number[] = [-1];
  const via: number[] = [-1];
  const seen = new Set<string>([`0|${domainState[0]}|${initial.join(',')}`]);
  const representatives = new Map<string, number[]>();

  const reconstruct = (node: number): Map<FieldName, string> => {
    const chars: number[][] = p.fields.map(() => []);
    for (let n = node; n > 0; n = parent[n]!) if (via[n]! >= 0) chars[fieldIndex[n]!]!.unshift(via[n]!);
    return new Map(p.fields.map((f, i) => [f, String.fromCodePoint(...chars[i]!)]));
  };
  const push = (fi: number, ds: number, ks: number[], from: number, cp: number): void => {
    const key = `${fi}|${ds}|${ks.join(',')}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (--budget.left < 0) {
      throw new ProveError(`the search grew too large (${p.fields.length} parts of the run interact through ${members.length} claims); the policy is too large to decide here`);
    }
    fieldIndex.push(fi);
    domainState.push(ds);
    claimStates.push(ks);
    parent.push(from);
    via.push(cp);
  };

  for (let n = 0; n < fieldIndex.length; n++) {
    const fi = fieldIndex[n]!;
    const ds = domainState[n]!;
    const ks = claimStates[n]!;
    const domain = DOMAINS[p.fields[fi]!];
    const readers = p.readers[fi]!;
    const repKey = `${fi}|${ds}`;
    let reps = representatives.get(repKey);
    if (!reps) representatives.set(repKey, (reps = domain.representatives(ds, p.special[fi]!)));
    for (const cp of reps) {
      const next = domain.step(ds, cp)!;
      const ks2 = ks.slice();
      for (const r of readers) ks2[slot.get(r.claim)!] = tracked[r.claim]!.dfa.step(ks2[slot.get(r.claim)!]!, cp);
      push(fi, next, ks2, n, cp);
    }
    if (!domain.accepting[ds]) continue;
    const ks2 = ks.slice();
    for (const r of readers) ks2[slot.get(r.claim)!] = tracked[r.claim]!.dfa.read(ks2[slot.get(r.claim)!]!, r.after);
    if (fi + 1 === p.fields.length) record(ks2, () => reconstruct(n));
    // The chars of node n belong to field fi; the field-end edge carries no char.
    else push(fi + 1, DOMAINS[p.fields[fi + 1]!].start, ks2, n, -1);
  }
  return [...found.values()];
}

/**
 * Searches for a run of this scenario whose final claim states meet the goal: each group of claims
 * sharing fields is explored on its own, then the groups' distinct endings are combined.
 */
export function searchScenario(
  scenario: Scenario,
  tracked: readonly TrackedClaim[],
  goal: (states: readonly number[]) => boolean,
  maxStates: number,
): SearchOutcome {
  const budget = { left: maxStates };
  const parts = groups(scenario, tracked).map((members) => endings(scenario, tracked, members, budget));
  const finals: number[] = new Array(tracked.length);
  let combinations = 0;
  const combine = (g: number): Map<FieldName, string> | undefined => {
    if (g === parts.length) {
      if (++combinations > maxStates) throw new ProveError('too many combinations of independent claims to decide here');
      return goal(finals) ? new Map() : undefined;
    }
    for (const ending of parts[g]!) {
      for (const [k, state] of ending.finals) finals[k] = state;
      const rest = combine(g + 1);
      if (rest) return new Map([...ending.values, ...rest]);
    }
    return undefined;
  };
  const found = combine(0);
  return { ...(found ? { found } : {}), states: maxStates - budget.left + combinations };
}
