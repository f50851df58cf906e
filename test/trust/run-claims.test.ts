/**
 * The claims built from a run's shorthand, against real tokens: for each of the corpus' decoded
 * GitHub tokens, the shorthand of that run (repository, ref, environment, event, …) must give the
 * same sub and the same context claims. Then GitHub's documented subject rules, table-driven.
 */
import { describe, expect, it } from 'vitest';
import { runClaims, RunError, type RunDescription } from '../../src/trust/run-claims.js';
import { CONTEXT_CLAIMS } from '../../src/trust/index.js';
import { decodedTokens, readCorpusJson } from './helpers/corpus.js';

const tokens = [
  ...decodedTokens().map(({ file, token }) => ({ file, payload: token.payload })),
  { file: 'github-docs_example_token_claims.json', payload: readCorpusJson<{ payload: Record<string, unknown> }>('oidc-tokens', 'github-docs_example_token_claims.json').payload },
];

function shorthandOf(p: Record<string, unknown>): RunDescription {
  const s = (key: string): string | undefined => (typeof p[key] === 'string' && p[key] !== '' ? (p[key] as string) : undefined);
  return {
    repository: s('repository')!,
    ref: s('ref')!,
    ...(s('environment') ? { environment: s('environment')! } : {}),
    event: s('event_name')!,
    ...(s('workflow') ? { workflow: s('workflow')! } : {}),
    ...(s('workflow_ref') ? { workflowRef: s('workflow_ref')! } : {}),
    ...(s('job_workflow_ref') ? { jobWorkflowRef: s('job_workflow_ref')! } : {}),
    ...(s('actor') ? { actor: s('actor')! } : {}),
    ...(s('actor_id') ? { actorId: s('actor_id')! } : {}),
    ...(s('repository_owner_id') ? { ownerId: s('repository_owner_id')! } : {}),
    ...(s('repository_id') ? { repositoryId: s('repository_id')! } : {}),
    ...(s('aud') ? { audience: s('aud')! } : {}),
    ...(s('enterprise') ? { enterprise: s('enterprise')! } : {}),
    ...(s('enterprise_id') ? { enterpriseId: s('enterprise_id')! } : {}),
    ...(s('repository_visibility') ? { visibility: s('repository_visibility')! } : {}),
    ...(s('runner_environment') ? { runnerEnvironment: s('runner_environment')! } : {}),
  };
}

describe('the shorthand rebuilds real tokens', () => {
  it.each(tokens.map((t) => [t.file, t.payload] as const))('%s', (_file, payload) => {
    const claims = runClaims(shorthandOf(payload));
    expect(claims.sub).toBe(payload.sub);
    for (const claim of [...CONTEXT_CLAIMS, 'iss', 'ref_type', 'repository_owner', 'event_name']) {
      if (payload[claim] !== undefined && payload[claim] !== '') expect(claims[claim], claim).toBe(payload[claim]);
    }
  });
});

describe('subjects', () => {
  const base = { repository: 'octo-org/app', ownerId: '65', repositoryId: '74' };
  it.each([
    [{}, 'repo:octo-org/app:ref:refs/heads/main'],
    [{ ref: 'release/1' }, 'repo:octo-org/app:ref:refs/heads/release/1'],
    [{ ref: 'refs/tags/v1.2' }, 'repo:octo-org/app:ref:refs/tags/v1.2'],
    [{ environment: 'production' }, 'repo:octo-org/app:environment:production'],
    [{ environment: 'production', event: 'pull_request' }, 'repo:octo-org/app:environment:production'],
    [{ event: 'pull_request' }, 'repo:octo-org/app:pull_request'],
    [{ event: 'workflow_dispatch', ref: 'refs/tags/v1' }, 'repo:octo-org/app:ref:refs/tags/v1'],
    [{ subjectForm: 'immutable' }, 'repo:octo-org@65/app@74:ref:refs/heads/main'],
    [{ subjectForm: 'immutable', environment: 'prod' }, 'repo:octo-org@65/app@74:environment:prod'],
    [
      { environment: 'prod', jobWorkflowRef: 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main', subjectClaims: ['repo', 'context', 'job_workflow_ref'] },
      // GitHub's documented example of this template.
      'repo:octo-org/app:environment:prod:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main',
    ],
    [{ subjectClaims: ['repository_id'] }, 'repository_id:74'],
  ] as [Partial<RunDescription>, string][])('%j → %s', (run, sub) => {
    expect(runClaims({ ...base, ...run }).sub).toBe(sub);
  });

  it('pull_request runs get the merge ref; pull_request_target runs the base branch', () => {
    expect(runClaims({ repository: 'o/r', event: 'pull_request' }).ref).toBe('refs/pull/1/merge');
    expect(runClaims({ repository: 'o/r', event: 'pull_request_target', baseRef: 'develop' })).toMatchObject({ ref: 'refs/heads/develop', sub: 'repo:o/r:pull_request' });
  });

  it.each([
    [{ repository: 'octo-org' }, 'repository'],
    [{ repository: 'o/r', subjectForm: 'immutable' }, 'subject'],
    [{ repository: 'o/r', subjectClaims: ['environment'] }, 'subject_claims'],
  ] as [RunDescription, string][])('refuses %j, naming %s', (run, field) => {
    expect(() => runClaims(run)).toThrow(RunError);
    expect(() => runClaims(run)).toThrow(new RegExp(`^${field}:`));
  });
});
