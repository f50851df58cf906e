/**
 * The runs GitHub can issue tokens for, as "scenarios": the discrete choices (issuer, subject
 * form, environment or pull request or ref, enterprise) fixed, and every claim STS puts in the
 * request context written as literals and shared free parts ("fields"). The default subject is
 * `repo:` + OWNER/REPO (or OWNER@OWNER_ID/REPO@REPO_ID) + `:` + the context part, so a `sub` and
 * a `repository` always agree about the repository.
 */
import { conditionKeyPrefix, GITHUB_ISSUER } from '../keys.js';
import { DOMAINS, type FieldName } from './domains.js';

export type Part = string | { readonly field: FieldName };
export type SubjectForm = 'name-only' | 'immutable';
export type RunKind = 'environment' | 'pull_request' | 'ref';
export type RefKind = 'branch' | 'tag' | 'pull';

export interface Scenario {
  readonly issuer: string;
  readonly form: SubjectForm;
  readonly kind: RunKind;
  readonly refKind: RefKind;
  readonly enterprise: boolean;
  /** The claims present in this kind of run (STS context claims, plus `owner`), as parts. */
  readonly claims: ReadonlyMap<string, readonly Part[]>;
}

export class ProveError extends Error {
  override readonly name = 'ProveError';
}

/** Claim names a custom subject template (`include_claim_keys`) may use here. */
export const TEMPLATE_CLAIMS = [
  'repo', 'context', 'repository', 'repository_owner', 'repository_owner_id', 'repository_id', 'job_workflow_ref',
  'workflow', 'actor', 'actor_id', 'ref', 'ref_type', 'environment', 'event_name', 'repository_visibility',
  'runner_environment', 'enterprise_id',
] as const;

const f = (field: FieldName): Part => ({ field });

function refParts(refKind: RefKind): Part[] {
  if (refKind === 'pull') return ['refs/pull/', f('prNumber'), '/merge'];
  return [refKind === 'tag' ? 'refs/tags/' : 'refs/heads/', f('refName')];
}

function contextParts(kind: RunKind, refKind: RefKind): Part[] {
  if (kind === 'environment') return ['environment:', f('environment')];
  if (kind === 'pull_request') return ['pull_request'];
  return ['ref:', ...refParts(refKind)];
}

function repoParts(form: SubjectForm): Part[] {
  return form === 'immutable' ? [f('owner'), '@', f('ownerId'), '/', f('name'), '@', f('repoId')] : [f('owner'), '/', f('name')];
}

/** The subject, from the template's claims joined by ":" (GitHub's customisation format). */
function subjectParts(template: readonly string[], s: Omit<Scenario, 'claims'>): Part[] | undefined {
  const out: Part[] = [];
  for (const [i, claim] of template.entries()) {
    if (i > 0) out.push(':');
    switch (claim) {
      case 'repo':
        out.push('repo:', ...repoParts(s.form));
        break;
      case 'context':
        out.push(...contextParts(s.kind, s.refKind));
        break;
      case 'environment':
        // GitHub requires an environment when the template includes it: no token otherwise.
        if (s.kind !== 'environment') return undefined;
        out.push('environment:', f('environment'));
        break;
      case 'enterprise_id':
        if (!s.enterprise) return undefined;
        out.push('enterprise_id:', f('enterpriseId'));
        break;
      case 'ref_type':
        out.push(`ref_type:${s.refKind === 'tag' ? 'tag' : 'branch'}`);
        break;
      case 'event_name':
        if (s.kind === 'pull_request') out.push(`event_name:${s.refKind === 'pull' ? 'pull_request' : 'pull_request_target'}`);
        else out.push('event_name:', f('otherEvent'));
        break;
      default: {
        const parts = CLAIM_PARTS[claim]?.(s);
        if (!parts) throw new ProveError(`the subject template claim "${claim}" is not supported; supported: ${TEMPLATE_CLAIMS.join(', ')}`);
        out.push(`${claim}:`, ...parts);
      }
    }
  }
  return out;
}

const CLAIM_PARTS: Record<string, (s: Omit<Scenario, 'claims'>) => Part[]> = {
  repository: () => [f('owner'), '/', f('name')],
  repository_owner: () => [f('owner')],
  repository_owner_id: () => [f('ownerId')],
  repository_id: () => [f('repoId')],
  job_workflow_ref: () => [f('jobWorkflowRef')],
  workflow: () => [f('workflow')],
  actor: () => [f('actor')],
  actor_id: () => [f('actorId')],
  ref: (s) => refParts(s.refKind),
  repository_visibility: () => [f('visibility')],
  runner_environment: () => [f('runnerEnvironment')],
};

function buildScenario(base: Omit<Scenario, 'claims'>, template: readonly string[]): Scenario | undefined {
  const sub = subjectParts(template, base);
  if (!sub) return undefined;
  const claims = new Map<string, readonly Part[]>([
    ['sub', sub],
    ['aud', [f('aud')]],
    ['repository', [f('owner'), '/', f('name')]],
    ['owner', [f('owner')]],
    ['repository_id', [f('repoId')]],
    ['ref', refParts(base.refKind)],
    ['actor', [f('actor')]],
    ['actor_id', [f('actorId')]],
    ['workflow', [f('workflow')]],
    ['job_workflow_ref', [f('jobWorkflowRef')]],
  ]);
  if (base.kind === 'environment') claims.set('environment', [f('environment')]);
  if (base.enterprise) claims.set('enterprise_id', [f('enterpriseId')]);
  return { ...base, claims };
}

export interface RunSpace {
  /** Issuers to consider (`https://…`); at least one. */
  readonly issuers: readonly string[];
  /** Subject forms GitHub may use for the repository (default both). */
  readonly forms?: readonly SubjectForm[];
  /** A custom subject template (`include_claim_keys`); default ["repo", "context"]. */
  readonly template?: readonly string[];
}

const KINDS: readonly [RunKind, RefKind][] = [
  ['environment', 'branch'],
  ['environment', 'tag'],
  ['environment', 'pull'],
  ['pull_request', 'pull'],
  // pull_request_target: the ref is the base branch.
  ['pull_request', 'branch'],
  ['ref', 'branch'],
  ['ref', 'tag'],
];

/** An issuer of an enterprise with a custom issuer (…githubusercontent.com/SLUG) always has enterprise_id. */
function enterpriseChoices(issuer: string): boolean[] {
  const prefix = conditionKeyPrefix(issuer);
  return /^token\.actions\.githubusercontent\.com\/[^/]+$/.test(prefix) ? [true] : [false, true];
}

/** Every kind of run in the space. */
export function scenarios(space: RunSpace): Scenario[] {
  const template = space.template ?? ['repo', 'context'];
  const seen = new Set<string>();
  for (const claim of template) {
    if (!(TEMPLATE_CLAIMS as readonly string[]).includes(claim)) {
      throw new ProveError(`the subject template claim "${claim}" is not supported; supported: ${TEMPLATE_CLAIMS.join(', ')}`);
    }
    if (seen.has(claim)) throw new ProveError(`the subject template lists "${claim}" twice`);
    seen.add(claim);
  }
  const out: Scenario[] = [];
  for (const issuer of space.issuers.length > 0 ? space.issuers : [GITHUB_ISSUER]) {
    for (const form of space.forms ?? ['name-only', 'immutable']) {
      for (const [kind, refKind] of KINDS) {
        for (const enterprise of enterpriseChoices(issuer)) {
          const scenario = buildScenario({ issuer, form, kind, refKind, enterprise }, template);
          if (scenario) out.push(scenario);
        }
      }
    }
  }
  return out;
}

/** A short description of a scenario, for messages. */
export function describeScenario(s: Scenario): string {
  const kind =
    s.kind === 'environment'
      ? `a job with an environment (${s.refKind === 'pull' ? 'pull request' : s.refKind})`
      : s.kind === 'pull_request'
        ? s.refKind === 'pull' ? 'a pull_request run' : 'a pull_request_target run'
        : `a run on a ${s.refKind}`;
  return `${kind}, ${s.form} subject, issuer ${s.issuer}${s.enterprise ? ', in an enterprise' : ''}`;
}

/** The value of every field: the path found by the search, samples for the rest. */
export function fieldValue(values: ReadonlyMap<FieldName, string>, field: FieldName): string {
  return values.get(field) ?? DOMAINS[field].sample;
}

/** The text of a claim's parts for given field values. */
export function renderParts(parts: readonly Part[], values: ReadonlyMap<FieldName, string>): string {
  return parts.map((p) => (typeof p === 'string' ? p : fieldValue(values, p.field))).join('');
}
