/** Turns the field values a search found into the full claims of a run GitHub could issue. */
import { runClaims, type RunDescription } from '../run-claims.js';
import type { FieldName } from './domains.js';
import { fieldValue, renderParts, type Scenario } from './run-model.js';

/** An enterprise issuer ends in the enterprise's slug, which its tokens carry as `enterprise`. */
function enterpriseSlug(issuer: string): string {
  return /^https:\/\/[^/]+\/([^/]+)$/.exec(issuer)?.[1] ?? 'example-enterprise';
}

/** The run description for a scenario and field values (samples for the fields left free). */
export function describeRun(s: Scenario, values: ReadonlyMap<FieldName, string>, template?: readonly string[]): RunDescription {
  const v = (field: FieldName): string => fieldValue(values, field);
  const ref = s.refKind === 'pull' ? `refs/pull/${v('prNumber')}/merge` : `refs/${s.refKind === 'tag' ? 'tags' : 'heads'}/${v('refName')}`;
  const event =
    s.kind === 'pull_request' || s.refKind === 'pull'
      ? s.refKind === 'pull' ? 'pull_request' : 'pull_request_target'
      : values.has('otherEvent') ? v('otherEvent') : 'push';
  return {
    repository: `${v('owner')}/${v('name')}`,
    ref,
    ...(s.kind === 'environment' ? { environment: v('environment') } : {}),
    event,
    ...(event === 'pull_request_target' ? { baseRef: v('refName') } : {}),
    workflow: v('workflow'),
    // Left free, the job's workflow is the run's own (not a reusable one from elsewhere).
    ...(values.has('jobWorkflowRef') ? { jobWorkflowRef: v('jobWorkflowRef') } : {}),
    actor: v('actor'),
    actorId: v('actorId'),
    ownerId: v('ownerId'),
    repositoryId: v('repoId'),
    audience: v('aud'),
    issuer: s.issuer,
    ...(s.enterprise ? { enterprise: enterpriseSlug(s.issuer), enterpriseId: v('enterpriseId') } : {}),
    subjectForm: s.form,
    ...(template ? { subjectClaims: template } : {}),
    visibility: v('visibility'),
    runnerEnvironment: v('runnerEnvironment'),
  };
}

/**
 * The claims of the run. Throws when they disagree with what the search reasoned about (a bug in
 * the run model, never expected): every claim the scenario describes must come out the same.
 */
export function counterexampleClaims(s: Scenario, values: ReadonlyMap<FieldName, string>, template?: readonly string[]): Record<string, string> {
  const claims = runClaims(describeRun(s, values, template));
  for (const [claim, parts] of s.claims) {
    // Claims built only from parts the search chose (or literals); the others use samples.
    if (parts.some((p) => typeof p !== 'string' && !values.has(p.field))) continue;
    const expected = renderParts(parts, values);
    const actual = claim === 'owner' ? claims.repository_owner : claims[claim];
    if (actual !== expected) throw new Error(`internal: the run model builds ${claim}=${JSON.stringify(expected)}, the claims ${JSON.stringify(actual)}`);
  }
  for (const claim of ['environment', 'enterprise_id']) {
    if (!s.claims.has(claim) && claims[claim] !== undefined) throw new Error(`internal: the run has ${claim} but its scenario does not`);
  }
  return claims;
}
