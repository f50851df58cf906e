/**
 * Static analysis of condition values, for the linter: which parts are literal, which are IAM
 * wildcards, which are placeholders (IAM policy variables, or unrendered Terraform/CloudFormation/shell
 * template expressions), and what a `sub` value can match.
 */
import type { OperatorSpec } from './operators.js';
import { ANY_ONE, ANY_RUN, matchUnits, type PatternUnit } from './wildcard.js';

/** Unit for text not known when linting (a policy variable or template placeholder). */
export const PLACEHOLDER = 0xe000;

/** Claim names GitHub can put first in a customised subject template (`include_claim_keys`). */
const SUBJECT_CLAIMS = new Set([
  'repo',
  'context',
  'actor',
  'actor_id',
  'base_ref',
  'environment',
  'event_name',
  'head_ref',
  'job_workflow_ref',
  'job_workflow_sha',
  'ref',
  'ref_type',
  'ref_protected',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'repository_visibility',
  'run_attempt',
  'runner_environment',
  'sha',
  'workflow',
  'workflow_ref',
  'workflow_sha',
  'enterprise',
  'enterprise_id',
]);

export interface ValueView {
  /** Units: code points, ANY_RUN/ANY_ONE for every raw `*`/`?` (even under StringEquals), PLACEHOLDER for unknown text. */
  readonly units: PatternUnit[];
  /** Template placeholders found (not IAM policy variables), as written. */
  readonly templates: string[];
  /** True when a raw `*` or `?` occurs (outside `${*}`/`${?}`). */
  readonly rawWildcard: boolean;
}

/** True for `${…}` contents that are an IAM policy variable (a condition key, optionally with a default). */
function isIamVariable(inner: string): boolean {
  const key = inner.split(',')[0]!.trim();
  return /^[A-Za-z0-9._/-]+:[A-Za-z0-9._/-]+$/.test(key) && !key.includes('::') && !/^(var|data|local|module|each|self|count|path)\./.test(key);
}

const TEMPLATE_TOKEN = /\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|<[A-Za-z_][A-Za-z0-9_ -]*>|\{\{[^}]*\}\}|^!(?:Sub|Ref|If|GetAtt|Join)\s*/g;

/** Splits a condition value into units for analysis. */
export function viewValue(value: string): ValueView {
  const units: PatternUnit[] = [];
  const templates: string[] = [];
  let rawWildcard = false;
  const pushText = (text: string): void => {
    for (const ch of text) {
      if (ch === '*') {
        units.push(ANY_RUN);
        rawWildcard = true;
      } else if (ch === '?') {
        units.push(ANY_ONE);
        rawWildcard = true;
      } else units.push(ch.codePointAt(0)!);
    }
  };
  let last = 0;
  for (const m of value.matchAll(TEMPLATE_TOKEN)) {
    pushText(value.slice(last, m.index));
    const token = m[0];
    if (token === '${*}' || token === '${?}' || token === '${$}') {
      units.push(token.codePointAt(2)!);
    } else if (/^!(?:Sub|Ref|If|GetAtt|Join)/.test(token)) {
      // A CloudFormation short-form intrinsic transcribed as text: the rest is the template.
      templates.push(token.trim());
    } else {
      if (!(token.startsWith('${') && isIamVariable(token.slice(2, -1)))) templates.push(token);
      units.push(PLACEHOLDER);
    }
    last = m.index + token.length;
  }
  pushText(value.slice(last));
  return { units, templates, rawWildcard };
}

/** Text of the units, wildcards as `*`/`?`, placeholders as U+E000. */
export function viewText(units: readonly PatternUnit[]): string {
  let out = '';
  for (const u of units) out += u === ANY_RUN ? '*' : u === ANY_ONE ? '?' : String.fromCodePoint(u);
  return out;
}

/** Literal text before the first wildcard (placeholders included, as U+E000). */
export function prefixBeforeWildcard(units: readonly PatternUnit[]): string {
  let out = '';
  for (const u of units) {
    if (u === ANY_RUN || u === ANY_ONE) break;
    out += String.fromCodePoint(u);
  }
  return out;
}

export type Breadth = 'owner' | 'repository' | undefined;

/**
 * For a StringLike `sub` pattern: does a wildcard reach into the owner (`*`, `repo:*`, `repo:org*`) or the
 * repository name (`repo:org/*`, `repo:org/app-*`, `repo:org@*`)?
 */
export function subjectBreadth(units: readonly PatternUnit[]): Breadth {
  if (!units.some((u) => u === ANY_RUN || u === ANY_ONE)) return undefined;
  const p = prefixBeforeWildcard(units);
  if (!p.startsWith('repo:')) {
    if ('repo:'.startsWith(p)) return 'owner';
    // A customised subject template: a wildcard right after the first claim name, or inside an
    // owner/repository value before its "/", reaches other owners too.
    const m = /^([a-z_]+):(.*)$/s.exec(p);
    if (!m || !SUBJECT_CLAIMS.has(m[1]!)) return undefined;
    const [, claim, rest] = m as unknown as [string, string, string];
    if (rest === '') return 'owner';
    if ((claim === 'job_workflow_ref' || claim === 'workflow_ref' || claim === 'repository') && !rest.includes('/')) return 'owner';
    if (claim === 'repository_owner' && !rest.includes(':')) return 'owner';
    return undefined;
  }
  const rest = p.slice('repo:'.length);
  const slash = rest.indexOf('/');
  const at = rest.indexOf('@');
  const colon = rest.indexOf(':');
  if (slash < 0) {
    if (colon >= 0) return undefined; // malformed ("repo:org:…"): reported as never matching
    if (at > 0) return 'repository'; // "repo:org@*": owner name pinned, anything after
    return 'owner';
  }
  if (colon >= 0 && colon < slash) return undefined;
  if (at === 0 || slash === 0) return 'owner';
  const repoRest = rest.slice(slash + 1);
  return /^[^/@:]+[@:]/.test(repoRest) ? undefined : 'repository';
}

/**
 * Why a `sub` value under a positive operator can never match a GitHub subject, or undefined.
 * `wildcards` is false for StringEquals-like operators (then a raw `*` is literal and already reported).
 */
export function subjectNeverMatches(view: ValueView, wildcards: boolean): string | undefined {
  const units = view.units;
  const hasWild = wildcards && units.some((u) => u === ANY_RUN || u === ANY_ONE);
  const hasPlaceholder = units.includes(PLACEHOLDER);
  const text = viewText(units);
  const known = prefixBeforeWildcard(units).split(String.fromCodePoint(PLACEHOLDER))[0]!;
  const complete = !hasWild && !hasPlaceholder;
  if (complete && text === '') return 'an empty subject never matches';
  if (known.startsWith('repo:') || (complete && text.startsWith('repo:'))) {
    const rest = (complete ? text : known).slice('repo:'.length);
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) {
      return `"repo:" must be followed by OWNER/REPO before the next ":" (GitHub subjects look like repo:OWNER/REPO:ref:refs/heads/main)`;
    }
    if (complete) {
      if (!/^repo:[^/:]+\/[^/:]+(:.+)?$/.test(text)) {
        return `a GitHub subject is "repo:OWNER/REPO:…"; ${JSON.stringify(text)} has no ${rest === '' ? 'owner or repository' : 'repository'}`;
      }
    }
    if (!hasWild) {
      const ctx = /^repo:[^/:]+\/[^/:]+:(.*)$/.exec(text)?.[1];
      if (ctx !== undefined) {
        if (/^(environment:[^:]*|ref:[^:]*):pull_request$/.test(ctx)) {
          return 'a subject has either an environment/ref or ":pull_request", never both (the context part is one of environment:NAME, ref:refs/…, pull_request)';
        }
        if (/^ref:(?!refs\/)/.test(ctx) && !ctx.includes(String.fromCodePoint(PLACEHOLDER))) {
          return 'the ref in a subject is a full ref name, e.g. ref:refs/heads/main or ref:refs/tags/v1';
        }
        if (complete && (ctx === '' || ctx === 'environment:' || ctx === 'ref:refs/heads/' || ctx === 'ref:refs/tags/')) {
          return 'the subject ends before the environment/branch/tag name';
        }
      }
    }
    return undefined;
  }
  if (!complete && 'repo:'.startsWith(known)) return undefined; // "*", "re*", or a placeholder first: not decidable here
  const claim = /^([a-z_]+):/.exec(known)?.[1];
  if (claim !== undefined && SUBJECT_CLAIMS.has(claim)) return undefined; // a customised subject template
  if (!complete && /^[a-z_]*$/.test(known) && [...SUBJECT_CLAIMS].some((c) => c.startsWith(known))) return undefined;
  return `GitHub subjects start with "repo:" (or, with a customised subject template, with a claim name such as "job_workflow_ref:"); ${JSON.stringify(text.replace(/\uE000/g, '…'))} never matches`;
}

/** The claim a customised-template subject starts with, when it does not start with `repo:`. */
export function customSubjectClaim(view: ValueView): string | undefined {
  const known = prefixBeforeWildcard(view.units);
  if (known.startsWith('repo:')) return undefined;
  const claim = /^([a-z_]+):/.exec(known)?.[1];
  return claim !== undefined && SUBJECT_CLAIMS.has(claim) ? claim : undefined;
}

/** For a `repo:` subject: the owner name when it is the name-only form (no `@OWNER_ID`). */
export function nameOnlyOwner(view: ValueView): string | undefined {
  const m = /^repo:([^/:@*?]+)\//.exec(prefixBeforeWildcard(view.units));
  return m ? m[1] : undefined;
}

/** For a `repo:` subject in the immutable form: the owner name. */
export function immutableOwner(view: ValueView): string | undefined {
  const m = /^repo:([^/:@*?]+)@/.exec(prefixBeforeWildcard(view.units));
  return m ? m[1] : undefined;
}

export interface Admits {
  pullRequest: boolean;
  environment: boolean;
  branchOrTag: boolean;
}

/** Which kinds of subject a pinned-repository `sub` value admits (probed with representative subjects). */
export function subjectAdmits(view: ValueView, op: OperatorSpec): Admits {
  const none = { pullRequest: false, environment: false, branchOrTag: false };
  const prefix = prefixBeforeWildcard(view.units);
  const base = /^repo:[^/:]+\/[^/:]+:/.exec(prefix)?.[0];
  if (base === undefined) return none;
  const wild = op.wildcards && view.units.some((u) => u === ANY_RUN || u === ANY_ONE);
  if (!wild) {
    // An exact subject admits exactly its own context.
    const ctx = viewText(view.units).slice(base.length);
    return { pullRequest: ctx === 'pull_request', environment: ctx.startsWith('environment:'), branchOrTag: ctx.startsWith('ref:') };
  }
  const units = view.units;
  const test = (ctx: string): boolean => matchUnits(units, base + ctx);
  const envProbe = ['environment:production', `environment:${String.fromCodePoint(PLACEHOLDER)}`];
  const refProbe = ['ref:refs/heads/main', 'ref:refs/tags/v1', `ref:refs/heads/${String.fromCodePoint(PLACEHOLDER)}`];
  return {
    pullRequest: test('pull_request'),
    environment: envProbe.some(test),
    branchOrTag: refProbe.some(test),
  };
}
