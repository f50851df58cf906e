/** The generator's options for `setup aws`: pull requests, reusable workflows, several repositories, inline ids (tables and properties). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateTrustPolicy, GenerateError, generatedSubjects, generateTrustPolicy, lintTrustPolicy, type GenerateOptions } from '../../src/trust/index.js';

const GH = 'token.actions.githubusercontent.com';
const WORKFLOW = 'octo-org/deploy/.github/workflows/deploy.yml@refs/heads/main';

describe('generateTrustPolicy, setup options', () => {
  it('admits pull_request runs, and pins job_workflow_ref next to sub', () => {
    const policy = generateTrustPolicy({ repository: 'o/r', branches: ['main'], pullRequests: true, workflows: [WORKFLOW], account: '123456789012' });
    expect(policy.Statement[0]!.Condition.StringEquals).toEqual({
      [`${GH}:aud`]: 'sts.amazonaws.com',
      [`${GH}:sub`]: ['repo:o/r:ref:refs/heads/main', 'repo:o/r:pull_request'],
      [`${GH}:job_workflow_ref`]: WORKFLOW,
    });
  });

  it('takes several repositories, each in the name-only or the immutable form', () => {
    expect(generatedSubjects({ repository: 'o/a', additionalRepositories: ['o@1/b@2'], environments: ['prod'] })).toEqual(['repo:o/a:environment:prod', 'repo:o@1/b@2:environment:prod']);
    expect(generatedSubjects({ repository: 'o@1/a@3', environments: ['prod'], includeNameOnly: true })).toEqual(['repo:o@1/a@3:environment:prod', 'repo:o/a:environment:prod']);
    // The ids given as options and inline must agree.
    expect(generatedSubjects({ repository: 'o@1/a@3', ownerId: '1', repositoryId: '3', environments: ['prod'] })).toEqual(['repo:o@1/a@3:environment:prod']);
  });

  it('accepts a workflow at a tag or a commit', () => {
    for (const ref of ['refs/tags/v1', 'a'.repeat(40)]) {
      expect(() => generateTrustPolicy({ repository: 'o/r', branches: ['main'], workflows: [`o/w/.github/workflows/x.yaml@${ref}`] })).not.toThrow();
    }
  });

  it.each<[string, GenerateOptions, string]>([
    ['a workflow without @ref', { repository: 'o/r', branches: ['main'], workflows: ['o/w/.github/workflows/x.yml'] }, 'workflows'],
    ['a workflow at a bare branch name', { repository: 'o/r', branches: ['main'], workflows: ['o/w/.github/workflows/x.yml@main'] }, 'workflows'],
    ['a workflow outside .github/workflows', { repository: 'o/r', branches: ['main'], workflows: ['o/w/deploy.yml@refs/heads/main'] }, 'workflows'],
    ['a workflow with a wildcard branch', { repository: 'o/r', branches: ['main'], workflows: ['o/w/.github/workflows/x.yml@refs/heads/*'] }, 'workflows'],
    ['a bad additional repository', { repository: 'o/r', additionalRepositories: ['nope'], branches: ['main'] }, 'additionalRepositories'],
    ['non-numeric inline ids', { repository: 'o@x/r@1', branches: ['main'] }, 'repository'],
    ['inline ids that differ from the options', { repository: 'o@1/r@2', ownerId: '1', repositoryId: '3', branches: ['main'] }, 'ownerId'],
    ['nothing to admit', { repository: 'o/r', workflows: [WORKFLOW] }, 'environments'],
  ])('rejects %s', (_name, options, option) => {
    let error: unknown;
    try {
      generateTrustPolicy(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GenerateError);
    expect((error as GenerateError).option).toBe(option);
  });
});

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const id = fc.integer({ min: 1, max: 99_999_999 }).map(String);
const repositoryArb = fc.tuple(name, name, fc.option(fc.tuple(id, id), { nil: undefined })).map(([o, r, ids]) => (ids ? `${o}@${ids[0]}/${r}@${ids[1]}` : `${o}/${r}`));
const workflowArb = fc.tuple(name, name, name, fc.constantFrom('refs/heads/main', 'refs/tags/v1', 'f'.repeat(40))).map(([o, r, f, ref]) => `${o}/${r}/.github/workflows/${f}.yml@${ref}`);

const optionsArb = fc
  .record({
    repositories: fc.uniqueArray(repositoryArb, { minLength: 1, maxLength: 3 }),
    environments: fc.array(name, { maxLength: 2 }),
    branches: fc.array(name, { maxLength: 2 }),
    pullRequests: fc.boolean(),
    workflows: fc.array(workflowArb, { maxLength: 2 }),
  })
  .filter((o) => o.environments.length + o.branches.length > 0 || o.pullRequests)
  .map(
    (o): GenerateOptions => ({
      repository: o.repositories[0]!,
      additionalRepositories: o.repositories.slice(1),
      environments: o.environments,
      branches: o.branches,
      pullRequests: o.pullRequests,
      workflows: o.workflows,
      account: '123456789012',
    }),
  );

describe('setup options (properties)', () => {
  it('lint finds no error; the only warnings are name-only subjects and pull requests next to protected runs', () => {
    fc.assert(
      fc.property(optionsArb, (options) => {
        const findings = lintTrustPolicy(generateTrustPolicy(options));
        expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
        for (const f of findings) expect(['name-only-sub', 'pull-request-with-protected']).toContain(f.ruleId);
      }),
      { numRuns: 300 },
    );
  });

  it('admits every subject with every workflow, and no other workflow, repository or pull request', () => {
    fc.assert(
      fc.property(optionsArb, workflowArb, (options, otherWorkflow) => {
        const policy = generateTrustPolicy(options);
        const subjects = generatedSubjects(options);
        const workflows = options.workflows!.length > 0 ? options.workflows! : [undefined];
        const claims = (sub: string, workflow?: string) => ({ iss: `https://${GH}`, aud: 'sts.amazonaws.com', sub, ...(workflow !== undefined ? { job_workflow_ref: workflow } : {}) });
        for (const sub of subjects) for (const workflow of workflows) expect(evaluateTrustPolicy(policy, claims(sub, workflow)).allowed).toBe(true);
        if (options.workflows!.length > 0 && !options.workflows!.includes(otherWorkflow)) {
          expect(evaluateTrustPolicy(policy, claims(subjects[0]!, otherWorkflow)).allowed).toBe(false);
          expect(evaluateTrustPolicy(policy, claims(subjects[0]!)).allowed).toBe(false);
        }
        const fork = subjects[0]!.replace(/^repo:[^/:]+/, 'repo:zz-fork');
        expect(evaluateTrustPolicy(policy, claims(fork.replace(/:[^:]*(:[^:]*)?$/, ':pull_request'), workflows[0])).allowed).toBe(false);
        if (!options.pullRequests) expect(evaluateTrustPolicy(policy, claims(subjects[0]!.replace(/:(environment|ref):.*$/, ':pull_request'), workflows[0])).allowed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
