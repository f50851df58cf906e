/**
 * Expectation files for `keyless trust-policy test`: per policy, runs that must be allowed and runs
 * that must be denied, each given by a shorthand (repository, ref, environment, event…, turned into
 * the claims GitHub would issue) or by its claims. Pure: the caller parses the YAML and loads policies.
 */
import { evaluateTrustPolicy, type TrustDecision } from './evaluate.js';
import type { LNode, MapEntry } from './audit/located.js';
import { toPlain } from './audit/located.js';
import { refOf, runClaims, RunError, type RunDescription } from './run-claims.js';
import { splitInlineIds } from './generate.js';

export interface RunCase {
  readonly expect: 'allow' | 'deny';
  /** Position in its list (allow[0], deny[2]). */
  readonly index: number;
  readonly line: number;
  /** The case's name, or the run's subject. */
  readonly label: string;
  readonly claims: Record<string, unknown>;
}

export interface Expectations {
  /** The policy file, relative to the expectations file. */
  readonly policy: string;
  /** Which role of the policy file (a template or IAM output holding several). */
  readonly role?: string;
  readonly line: number;
  readonly cases: readonly RunCase[];
}

export class ExpectationError extends Error {
  override readonly name = 'ExpectationError';
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
  }
}

/** Shorthand keys and the RunDescription field each sets. */
const SHORTHAND: Record<string, keyof RunDescription> = {
  repository: 'repository', ref: 'ref', environment: 'environment', event: 'event', workflow: 'workflow',
  workflow_ref: 'workflowRef', job_workflow_ref: 'jobWorkflowRef', actor: 'actor', actor_id: 'actorId',
  owner_id: 'ownerId', repository_owner_id: 'ownerId', repository_id: 'repositoryId', audience: 'audience', aud: 'audience',
  issuer: 'issuer', enterprise: 'enterprise', enterprise_id: 'enterpriseId', subject: 'subjectForm', subject_claims: 'subjectClaims',
  visibility: 'visibility', runner_environment: 'runnerEnvironment', head_ref: 'headRef', base_ref: 'baseRef',
};
/** Shorthand keys that set the ref: `branch: main` is `ref: refs/heads/main`, `tag: v1` is `ref: refs/tags/v1`. */
const REF_KEYS = new Set(['ref', 'branch', 'tag']);
const TOP_LEVEL = new Set(['policy', 'role', 'allow', 'deny', 'defaults']);

function scalarText(node: LNode, what: string): string {
  if (node.kind !== 'scalar' || node.value === null || typeof node.value === 'boolean') {
    throw new ExpectationError(`${what} must be a string`, node.line);
  }
  return String(node.value);
}

function shorthand(entries: readonly MapEntry[], where: string): Partial<Record<keyof RunDescription, unknown>> {
  const out: Partial<Record<keyof RunDescription, unknown>> = {};
  const refKeys = entries.filter((e) => REF_KEYS.has(e.key));
  if (refKeys.length > 1) throw new ExpectationError(`${where}: give one of ref, branch or tag, not ${refKeys.map((e) => e.key).join(' and ')}`, refKeys[1]!.keyLine);
  for (const e of entries) {
    if (e.key === 'name') continue;
    if (e.key === 'branch' || e.key === 'tag') {
      out.ref = refOf(e.key, scalarText(e.value, `${where}: ${e.key}`));
      continue;
    }
    const field = SHORTHAND[e.key];
    if (!field) {
      throw new ExpectationError(`${where}: unknown field ${JSON.stringify(e.key)}; expected claims, name, or the shorthand ${[...Object.keys(SHORTHAND), 'branch', 'tag'].join(', ')}`, e.keyLine);
    }
    if (field === 'subjectClaims') {
      if (e.value.kind !== 'seq') throw new ExpectationError(`${where}: subject_claims must be a list such as [repo, context, job_workflow_ref]`, e.keyLine);
      out[field] = e.value.items.map((item) => scalarText(item, `${where}: subject_claims entries`));
    } else if (field === 'subjectForm') {
      const form = scalarText(e.value, `${where}: subject`);
      if (form !== 'name-only' && form !== 'immutable') throw new ExpectationError(`${where}: subject must be name-only or immutable, got ${JSON.stringify(form)}`, e.keyLine);
      out[field] = form;
    } else {
      out[field] = scalarText(e.value, `${where}: ${e.key}`);
    }
  }
  return out;
}

/**
 * `repository: OWNER@OWNER_ID/REPO@REPO_ID`, as generate and setup take it, once defaults and the
 * case are merged: the repository, its two ids, and GitHub's immutable subject unless `subject`
 * says otherwise. Ids given twice must agree.
 */
function withInlineIds(run: Partial<Record<keyof RunDescription, unknown>>, where: string, line: number): Partial<Record<keyof RunDescription, unknown>> {
  const inline = typeof run.repository === 'string' ? splitInlineIds(run.repository) : undefined;
  if (!inline) return run;
  for (const [what, id] of [['owner id', inline.ownerId], ['repository id', inline.repositoryId]] as const) {
    if (!/^\d+$/.test(id)) throw new ExpectationError(`${where}: repository ${JSON.stringify(run.repository)}: the ${what} ${JSON.stringify(id)} is not a number (GitHub's numeric id)`, line);
  }
  for (const [field, key, id] of [['ownerId', 'owner_id', inline.ownerId], ['repositoryId', 'repository_id', inline.repositoryId]] as const) {
    if (run[field] !== undefined && run[field] !== id) throw new ExpectationError(`${where}: ${key} ${JSON.stringify(run[field])} disagrees with the repository's ${JSON.stringify(id)}`, line);
  }
  return { ...run, repository: inline.repository, ownerId: inline.ownerId, repositoryId: inline.repositoryId, subjectForm: run.subjectForm ?? 'immutable' };
}

/**
 * What a case takes from the defaults: everything, except the ids of the defaults' repository when
 * the case names another one (a repository id belongs to one repository, an owner id to one
 * owner). Ids written into the defaults' repository (`OWNER@ID/REPO@ID`) go with it anyway.
 * GitHub compares names without regard to case, and so does this.
 */
function inheritedFrom(defaults: Partial<Record<keyof RunDescription, unknown>>, own: Partial<Record<keyof RunDescription, unknown>>): Partial<Record<keyof RunDescription, unknown>> {
  if (typeof own.repository !== 'string' || typeof defaults.repository !== 'string') return defaults;
  const name = (repository: string) => (splitInlineIds(repository)?.repository ?? repository).toLowerCase();
  if (name(own.repository) === name(defaults.repository)) return defaults;
  const owner = (repository: string) => name(repository).split('/')[0];
  const { repositoryId: _repositoryId, ownerId, ...rest } = defaults;
  return owner(own.repository) === owner(defaults.repository) && ownerId !== undefined ? { ...rest, ownerId } : rest;
}

function runCase(node: LNode, expect: 'allow' | 'deny', index: number, defaults: Partial<Record<keyof RunDescription, unknown>>): RunCase {
  const where = `${expect}[${index}]`;
  if (node.kind !== 'map') throw new ExpectationError(`${where} must be a mapping such as {repository: octo-org/app, environment: production} or {claims: {…}}`, node.line);
  const name = node.entries.find((e) => e.key === 'name');
  const label = name ? scalarText(name.value, `${where}: name`) : undefined;
  const claimsEntry = node.entries.find((e) => e.key === 'claims');
  if (claimsEntry) {
    const other = node.entries.find((e) => e.key !== 'claims' && e.key !== 'name');
    if (other) throw new ExpectationError(`${where}: give either claims or the shorthand fields, not both (found ${JSON.stringify(other.key)})`, other.keyLine);
    if (claimsEntry.value.kind !== 'map') throw new ExpectationError(`${where}: claims must be a mapping of token claims`, claimsEntry.keyLine);
    const claims = toPlain(claimsEntry.value) as Record<string, unknown>;
    return { expect, index, line: node.line, label: label ?? String(claims.sub ?? '(claims)'), claims };
  }
  const own = shorthand(node.entries, where);
  const run = withInlineIds({ ...inheritedFrom(defaults, own), ...own }, where, node.line);
  if (run.repository === undefined) throw new ExpectationError(`${where}: repository (OWNER/REPO) is required, or give claims`, node.line);
  try {
    const claims = runClaims(run as unknown as RunDescription);
    return { expect, index, line: node.line, label: label ?? claims.sub!, claims };
  } catch (error) {
    if (error instanceof RunError) throw new ExpectationError(`${where}: ${error.message}`, node.line);
    throw error;
  }
}

function expectations(doc: LNode): Expectations {
  if (doc.kind !== 'map') throw new ExpectationError('each expectation document is a mapping with policy, allow and deny', doc.line);
  for (const e of doc.entries) {
    if (!TOP_LEVEL.has(e.key)) throw new ExpectationError(`unknown key ${JSON.stringify(e.key)}; expected policy, role, defaults, allow, deny`, e.keyLine);
  }
  const get = (key: string): MapEntry | undefined => doc.entries.find((e) => e.key === key);
  const policy = get('policy');
  if (!policy) throw new ExpectationError('policy (the trust policy file, relative to this file) is required', doc.line);
  const role = get('role');
  const defaultsEntry = get('defaults');
  if (defaultsEntry && defaultsEntry.value.kind !== 'map') throw new ExpectationError('defaults must be a mapping of shorthand fields', defaultsEntry.keyLine);
  const defaults = defaultsEntry?.value.kind === 'map' ? shorthand(defaultsEntry.value.entries, 'defaults') : {};
  const cases: RunCase[] = [];
  for (const expect of ['allow', 'deny'] as const) {
    const list = get(expect);
    if (!list) continue;
    if (list.value.kind !== 'seq') throw new ExpectationError(`${expect} must be a list of runs`, list.keyLine);
    list.value.items.forEach((item, i) => cases.push(runCase(item, expect, i, defaults)));
  }
  if (cases.length === 0) throw new ExpectationError('no runs: give allow and/or deny lists', doc.line);
  return {
    policy: scalarText(policy.value, 'policy'),
    ...(role ? { role: scalarText(role.value, 'role') } : {}),
    line: doc.line,
    cases,
  };
}

/** The expectations in a YAML stream: one mapping per document, or a list of them. */
export function parseExpectations(documents: readonly LNode[]): Expectations[] {
  return documents.flatMap((doc) => (doc.kind === 'seq' ? doc.items.map(expectations) : [expectations(doc)]));
}

export interface CaseResult {
  readonly case: RunCase;
  readonly passed: boolean;
  readonly decision: TrustDecision;
}

export function checkCase(policy: unknown, c: RunCase): CaseResult {
  const decision = evaluateTrustPolicy(policy, c.claims);
  return { case: c, passed: decision.allowed === (c.expect === 'allow'), decision };
}
