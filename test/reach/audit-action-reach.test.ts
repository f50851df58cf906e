/**
 * The audit action's reach step, run as the runner runs it (dist/audit): the mountpoint-s3
 * workflows and a role admitting their pull requests give an outsider path: a reach SARIF file on
 * the workflow lines, an annotation, the mermaid graph in the job summary, and a failed step.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT, runAction } from '../helpers/runner.js';
import { corpusCheckouts, type CorpusCheckouts } from './helpers/corpus-checkouts.js';

const ENTRY = join(ROOT, 'dist', 'audit', 'index.js');
let corpus: CorpusCheckouts;
let workspace: string;

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} does not exist: build it first (node scripts/build.mjs audit)`);
  corpus = corpusCheckouts();
  workspace = join(corpus.root, 'awslabs__mountpoint-s3');
  mkdirSync(join(workspace, 'infra'));
  writeFileSync(
    join(workspace, 'infra', 'integration-role.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:awslabs/mountpoint-s3:pull_request' } } }],
    }),
  );
  cpSync(join(workspace, 'infra', 'integration-role.json'), join(workspace, 'infra', 'copy.json'));
});
afterAll(() => corpus.cleanup());

it('writes the reach SARIF on the workflow lines, annotates, puts the graph in the summary, fails on the error', async () => {
  const run = await runAction({ entry: ENTRY, inputs: { paths: 'infra/integration-role.json' }, env: { GITHUB_WORKSPACE: workspace, GITHUB_REPOSITORY: 'awslabs/mountpoint-s3' } });
  expect(run.exitCode).toBe(1);
  expect(run.outputs['reach-sarif-file']).toBe(join(workspace, 'keyless-reach.sarif'));
  const sarif = JSON.parse(readFileSync(join(workspace, 'keyless-reach.sarif'), 'utf8')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
  const outsider = sarif.runs[0]!.results.filter((r) => r.ruleId === 'outsider-reachable');
  expect(outsider.length).toBeGreaterThan(0);
  expect(new Set(outsider.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(new Set(['.github/workflows/integration.yml']));
  expect(run.stdout).toMatch(/::error title=outsider-reachable%3A infra\/integration-role\.json,file=\.github\/workflows\/integration\.yml,line=\d+::/);
  expect(run.summary).toContain('```mermaid\nflowchart LR\n');
  expect(run.errors.at(-1)).toMatch(/trust-policy or reach findings at level error or above/);
});

it('reach: false leaves it out', async () => {
  const run = await runAction({ entry: ENTRY, inputs: { paths: 'infra/copy.json', reach: 'false', 'reach-sarif-file': 'off.sarif' }, env: { GITHUB_WORKSPACE: workspace, GITHUB_REPOSITORY: 'awslabs/mountpoint-s3' } });
  expect(run.exitCode).toBe(0);
  expect(existsSync(join(workspace, 'off.sarif'))).toBe(false);
  expect(run.summary).toBe('');
});
