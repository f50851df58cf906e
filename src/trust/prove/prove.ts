/**
 * Exact answers about trust policies, with no AWS account: does a policy admit any run outside a
 * set (`proveOnly`), can one run assume two roles (`proveDisjoint`)? Every kind of run GitHub can
 * issue a token for is searched exhaustively (see search.ts); a counterexample is a full set of
 * claims, re-checked with evaluateTrustPolicy before it is returned.
 */
import { evaluateTrustPolicy } from '../evaluate.js';
import { GITHUB_ISSUER } from '../keys.js';
import { parseTrustPolicy, type ParsedPolicy } from '../policy.js';
import { compileStringLike, matchesStringLike } from '../wildcard.js';
import { PatternSetDfa } from './automaton.js';
import { counterexampleClaims } from './counterexample.js';
import { atomHolds, candidateIssuers, checkDecidable, compilePolicy, PatternTable, type CompiledStatement } from './policy-model.js';
import { ProveError, scenarios, type Scenario, type SubjectForm } from './run-model.js';
import { searchScenario, type TrackedClaim } from './search.js';

export { ProveError } from './run-model.js';

/** Claims `--only` accepts, and the ones compared ignoring case (GitHub names are case-insensitive). */
export const ONLY_CLAIMS = ['repository', 'owner', 'environment', 'ref', 'sub', 'aud', 'actor', 'actor_id', 'workflow', 'job_workflow_ref', 'repository_id', 'repository_owner_id', 'enterprise_id'] as const;
const CASE_INSENSITIVE = new Set(['repository', 'owner', 'environment']);

export interface OnlyConstraint {
  readonly claim: (typeof ONLY_CLAIMS)[number];
  /** Values; `*` and `?` are wildcards as in StringLike. */
  readonly values: readonly string[];
}

export interface ProveOptions {
  /** Subject forms to consider (default both: repositories get one or the other). */
  readonly forms?: readonly SubjectForm[];
  /** A customised subject template (`include_claim_keys`). */
  readonly template?: readonly string[];
  /** Give up (ProveError) beyond this many search states per kind of run; default 400000. */
  readonly maxStates?: number;
}

export interface ProveResult {
  readonly proved: boolean;
  /** Claims of a run that disproves it. */
  readonly counterexample?: Record<string, string>;
  /** Kinds of run searched (scenarios with distinct claims). */
  readonly runKinds: number;
  readonly states: number;
  /** True when no statement trusts a GitHub OIDC provider, so the policy admits no run at all. */
  readonly admitsNothing: boolean;
}

interface Named {
  readonly name: string;
  readonly parsed: ParsedPolicy;
}

function prepare(policy: unknown, name: string): Named {
  const parsed = parseTrustPolicy(policy);
  checkDecidable(parsed, name);
  return { name, parsed };
}

function admitted(statements: readonly CompiledStatement[], present: (claim: string) => boolean, anyMatch: (claim: string, patterns: readonly number[]) => boolean): boolean {
  const applies = (s: CompiledStatement): boolean =>
    s.atoms.every((a) => {
      const has = a.claim !== undefined && present(a.claim);
      return atomHolds(a, has, has && anyMatch(a.claim!, a.patterns));
    });
  return statements.some((s) => s.effect === 'Allow' && applies(s)) && !statements.some((s) => s.effect === 'Deny' && applies(s));
}

/** The issuers to search: every GitHub provider a policy trusts, plus "some other" for Principal "*". */
function issuersOf(policies: readonly Named[]): string[] {
  const found = policies.map((p) => candidateIssuers(p.parsed));
  const issuers = new Set(found.flatMap((f) => f.issuers));
  if (found.some((f) => f.anyone)) {
    issuers.add(GITHUB_ISSUER);
    let slug = 'some-other-enterprise';
    while (issuers.has(`${GITHUB_ISSUER}/${slug}`)) slug += '-x';
    issuers.add(`${GITHUB_ISSUER}/${slug}`);
  }
  return [...issuers];
}

type Goal = (admits: (i: number) => boolean, inside: () => boolean) => boolean;

function decide(policies: readonly Named[], only: readonly OnlyConstraint[], goal: Goal, options: ProveOptions): ProveResult {
  const issuers = issuersOf(policies);
  if (issuers.length === 0) return { proved: true, runKinds: 0, states: 0, admitsNothing: true };
  let states = 0;
  let runKinds = 0;
  const done = new Set<string>();
  for (const scenario of scenarios({ issuers, ...(options.forms ? { forms: options.forms } : {}), ...(options.template ? { template: options.template } : {}) })) {
    const table = new PatternTable();
    const compiled = policies.map((p) => compilePolicy(p.parsed, scenario.issuer, table));
    if (compiled.some((c) => !c.some((s) => s.effect === 'Allow'))) continue;
    const onlyPatterns = only.map((c) => c.values.map((v) => table.add(c.claim, { units: compileStringLike(v), ignoreCase: CASE_INSENSITIVE.has(c.claim) })));
    const tracked: TrackedClaim[] = [...table.byClaim]
      .filter(([claim]) => scenario.claims.has(claim))
      .map(([claim, patterns]) => ({ claim, dfa: new PatternSetDfa(patterns) }));
    // Runs that differ only in claims no condition reads are the same kind of run. A claim read
    // only by Null has no patterns, but whether it is present still tells runs apart.
    const read = new Set([...table.byClaim.keys(), ...compiled.flatMap((c) => c.flatMap((s) => s.atoms.flatMap((a) => (a.claim === undefined ? [] : [a.claim]))))]);
    const signature = JSON.stringify([scenario.issuer, tracked.map((t) => [t.claim, scenario.claims.get(t.claim)]), [...read].sort().map((c) => scenario.claims.has(c))]);
    if (done.has(signature)) continue;
    done.add(signature);
    runKinds++;
    const index = new Map(tracked.map((t, i) => [t.claim, i]));
    const outcome = searchScenario(
      scenario,
      tracked,
      (finals) => {
        const present = (claim: string): boolean => scenario.claims.has(claim);
        const anyMatch = (claim: string, patterns: readonly number[]): boolean => {
          const i = index.get(claim)!;
          return patterns.some((p) => tracked[i]!.dfa.matches(finals[i]!, p));
        };
        const inside = (): boolean => only.every((c, k) => present(c.claim) && anyMatch(c.claim, onlyPatterns[k]!));
        return goal((i) => admitted(compiled[i]!, present, anyMatch), inside);
      },
      options.maxStates ?? 400_000,
    );
    states += outcome.states;
    if (outcome.found) {
      return { proved: false, counterexample: verified(scenario, outcome.found, policies, only, goal, options), runKinds, states, admitsNothing: false };
    }
  }
  return { proved: true, runKinds, states, admitsNothing: false };
}

/** The counterexample's claims, checked against the evaluator (the same engine `evaluate` uses). */
function verified(scenario: Scenario, values: Parameters<typeof counterexampleClaims>[1], policies: readonly Named[], only: readonly OnlyConstraint[], goal: Goal, options: ProveOptions): Record<string, string> {
  const claims = counterexampleClaims(scenario, values, options.template);
  const value = (claim: string): string | undefined => (claim === 'owner' ? claims.repository_owner : claims[claim]);
  const inside = (): boolean =>
    only.every((c) => {
      const v = value(c.claim);
      if (v === undefined) return false;
      const ignoreCase = CASE_INSENSITIVE.has(c.claim);
      return c.values.some((pattern) => (ignoreCase ? matchesStringLike(pattern.toLowerCase(), v.toLowerCase()) : matchesStringLike(pattern, v)));
    });
  const admits = (i: number): boolean => evaluateTrustPolicy(policies[i]!.parsed.document, claims).allowed;
  if (!goal(admits, inside)) throw new Error(`internal: the counterexample ${JSON.stringify(claims)} does not hold up under evaluate`);
  return claims;
}

/** Is there a run outside the `only` set (all constraints hold) that the policy admits? */
export function proveOnly(policy: unknown, only: readonly OnlyConstraint[], options: ProveOptions = {}): ProveResult {
  if (only.length === 0) throw new ProveError('give at least one KEY=VALUE set');
  const named = prepare(policy, 'the policy');
  return decide([named], only, (admits, inside) => admits(0) && !inside(), options);
}

/** Is there a run both policies admit? */
export function proveDisjoint(a: unknown, b: unknown, options: ProveOptions = {}, names: [string, string] = ['the first policy', 'the second policy']): ProveResult {
  const policies = [prepare(a, names[0]), prepare(b, names[1])];
  return decide(policies, [], (admits) => admits(0) && admits(1), options);
}
