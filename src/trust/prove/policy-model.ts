/**
 * A trust policy as a formula over a run's claims, for one issuer: which statements can apply
 * (principal and action are fixed by the issuer), and each condition as an atom on one claim —
 * present or absent, and whether the claim's value matches any of the condition's patterns.
 * Mirrors evaluate.ts/conditions.ts exactly; anything it cannot mirror exactly is refused with a
 * {@link ProveError} that says why.
 */
import { CONTEXT_CLAIMS, conditionKeyPrefix, isGitHubProvider, parseProviderArn, providerArnMatches, splitKey, WEB_IDENTITY_ACTION } from '../keys.js';
import { looksLikeTemplate } from '../evaluate.js';
import type { OperatorSpec } from '../operators.js';
import type { ParsedPolicy, ParsedStatement } from '../policy.js';
import { resolvePolicyValue } from '../conditions.js';
import { matchesStringLike } from '../wildcard.js';
import type { Pattern } from './automaton.js';
import { ProveError } from './run-model.js';

/** One condition entry: `holds(present, anyMatch)` for the claim it reads. */
export interface Atom {
  /** The claim (e.g. `sub`), or undefined when the key is never in a GitHub request context for this issuer. */
  readonly claim?: string;
  readonly op: OperatorSpec;
  /** Indexes of this atom's patterns in the claim's pattern list. */
  readonly patterns: readonly number[];
  readonly nullValues: readonly string[];
}

export interface CompiledStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly atoms: readonly Atom[];
}

/** Patterns per claim, shared by every atom (and the --only sets) reading that claim. */
export class PatternTable {
  readonly byClaim = new Map<string, Pattern[]>();
  add(claim: string, pattern: Pattern): number {
    const list = this.byClaim.get(claim) ?? [];
    this.byClaim.set(claim, list);
    list.push(pattern);
    return list.length - 1;
  }
}

const CONTEXT = new Set<string>(CONTEXT_CLAIMS);
const LITERAL_VARIABLES = new Set(['${*}', '${?}', '${$}']);

function label(s: ParsedStatement): string {
  return `statement ${s.index}${s.sid ? ` "${s.sid}"` : ''}`;
}

/** Refuses what cannot be decided exactly; independent of the issuer. */
export function checkDecidable(policy: ParsedPolicy, name: string): void {
  for (const s of policy.statements) {
    if (!mayApplyToGitHub(s)) continue;
    for (const arn of s.principal.federated) {
      if (looksLikeTemplate(arn)) {
        throw new ProveError(`${name}: ${label(s)}: Principal.Federated ${JSON.stringify(arn)} is an unrendered template; prove the rendered policy`);
      }
    }
    for (const block of s.conditions) {
      const op = block.operator;
      if (!op.evaluated || op.base.startsWith('Arn')) {
        throw new ProveError(`${name}: ${label(s)} uses ${op.name}, which prove does not decide (it decides String…, Bool and Null conditions)`);
      }
      for (const entry of block.entries) {
        const split = splitKey(entry.key);
        const providerKey = split !== undefined && (split.provider.includes('.') || split.provider.includes('/'));
        if (!providerKey) {
          throw new ProveError(
            `${name}: ${label(s)} conditions on "${entry.key}", which is not a claim of the OIDC token (an AWS or STS key); prove cannot know its value`,
          );
        }
        for (const value of entry.values) {
          if (policy.version === '2012-10-17' && op.takesVariables) {
            const variables = value.match(/\$\{[^}]*\}/g) ?? [];
            const real = variables.find((v) => !LITERAL_VARIABLES.has(v));
            if (real) throw new ProveError(`${name}: ${label(s)}: the value ${JSON.stringify(value)} uses the policy variable ${real}; prove does not decide policy variables`);
          }
          if (op.ignoreCase || op.base === 'Bool') {
            const odd = [...value].find((ch) => [...ch.toLowerCase()].length !== 1 || ch === '\u03a3');
            if (odd) throw new ProveError(`${name}: ${label(s)}: ${JSON.stringify(odd)} in ${JSON.stringify(value)} has no one-character lower case; prove does not decide that comparison`);
          }
        }
      }
    }
  }
}

/** False for statements no GitHub token can meet (another provider, AWS principals, other actions). */
function mayApplyToGitHub(s: ParsedStatement): boolean {
  if (!actionAdmits(s)) return false;
  return (
    s.principal.anyone ||
    s.principal.federated.some((arn) => {
      if (looksLikeTemplate(arn)) return true;
      const parsed = parseProviderArn(arn);
      return parsed !== undefined && isGitHubProvider(parsed.provider);
    })
  );
}

function principalAdmits(s: ParsedStatement, issuer: string): boolean {
  return s.principal.anyone || s.principal.federated.some((arn) => providerArnMatches(arn, conditionKeyPrefix(issuer)));
}

function actionAdmits(s: ParsedStatement): boolean {
  const wanted = WEB_IDENTITY_ACTION.toLowerCase();
  const covered = s.action.values.some((pattern) => matchesStringLike(pattern.toLowerCase(), wanted));
  return s.action.negated ? !covered : covered;
}

/** The statements that can apply to a token from this issuer, as atoms. */
export function compilePolicy(policy: ParsedPolicy, issuer: string, table: PatternTable): CompiledStatement[] {
  const prefix = conditionKeyPrefix(issuer).toLowerCase();
  const out: CompiledStatement[] = [];
  for (const s of policy.statements) {
    if (!principalAdmits(s, issuer) || !actionAdmits(s)) continue;
    const atoms: Atom[] = [];
    for (const block of s.conditions) {
      const op = block.operator;
      for (const entry of block.entries) {
        const key = entry.key.toLowerCase();
        const colon = key.lastIndexOf(':');
        const claim = key.slice(0, colon) === prefix && CONTEXT.has(key.slice(colon + 1)) ? key.slice(colon + 1) : undefined;
        const patterns: number[] = [];
        if (claim !== undefined && op.base !== 'Null') {
          for (const value of entry.values) {
            // Bool matches only "true"/"false": any other value matches nothing (condition-match.ts).
            if (op.base === 'Bool' && !/^(true|false)$/i.test(value)) continue;
            const resolved = resolvePolicyValue(value, op, new Map(), policy.version);
            if (!resolved.ok) throw new ProveError(`the value ${JSON.stringify(value)} uses a policy variable`);
            patterns.push(table.add(claim, { units: resolved.units, ignoreCase: op.ignoreCase || op.base === 'Bool' }));
          }
        }
        atoms.push({ ...(claim !== undefined ? { claim } : {}), op, patterns, nullValues: op.base === 'Null' ? entry.values : [] });
      }
    }
    out.push({ effect: s.effect, atoms });
  }
  return out;
}

/** Whether a condition holds, given whether its claim is present and whether its value matches any pattern. */
export function atomHolds(atom: Atom, present: boolean, anyMatch: boolean): boolean {
  const op = atom.op;
  if (op.base === 'Null') {
    return atom.nullValues.some((v) => (v.toLowerCase() === 'true' ? !present : v.toLowerCase() === 'false' ? present : false));
  }
  if (!present) {
    if (op.ifExists || op.set === 'ForAllValues') return true;
    if (op.set === 'ForAnyValue') return false;
    return op.negated;
  }
  return op.negated ? !anyMatch : anyMatch;
}

/** Issuers a policy can admit GitHub tokens from, by its principals and condition keys. */
export function candidateIssuers(policy: ParsedPolicy): { issuers: string[]; anyone: boolean } {
  const prefixes = new Set<string>();
  let anyone = false;
  for (const s of policy.statements) {
    if (s.principal.anyone) anyone = true;
    for (const arn of s.principal.federated) {
      const parsed = parseProviderArn(arn);
      if (parsed && isGitHubProvider(parsed.provider)) prefixes.add(parsed.provider);
    }
    if (s.principal.anyone) {
      for (const block of s.conditions) {
        for (const entry of block.entries) {
          const split = splitKey(entry.key);
          if (split && isGitHubProvider(conditionKeyPrefix(split.provider))) prefixes.add(conditionKeyPrefix(split.provider));
        }
      }
    }
  }
  return { issuers: [...prefixes].map((p) => `https://${p}`), anyone };
}
