/**
 * Every corpus workflow (23 real files and a composite action) read as a checkout of its
 * repository: which jobs request a token (through reusable workflows and composite actions), on
 * which triggers, in which environment, with which subject.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeHost } from '../../src/cli/host.js';
import { candidateRuns } from '../../src/reach/claims.js';
import { tokenJobs, type JobScan } from '../../src/reach/jobs.js';
import { readCheckout, type Checkout } from '../../src/reach/read-checkout.js';
import { unknownSettings } from '../../src/reach/settings.js';
import { CORPUS_WORKFLOWS, corpusCheckouts, type CorpusCheckouts } from './helpers/corpus-checkouts.js';

let corpus: CorpusCheckouts;
const read = new Map<string, { checkout: Checkout; scan: JobScan }>();

beforeAll(async () => {
  corpus = corpusCheckouts();
  const host = nodeHost({ cwd: corpus.root, awsRegion: 'us-east-1' });
  for (const [repository, folder] of corpus.folders) {
    const checkout = await readCheckout(host, folder, repository);
    read.set(repository, { checkout, scan: tokenJobs(checkout) });
  }
});
afterAll(() => corpus.cleanup());

const short = (path: string) => path.replace('.github/workflows/', '');

test('every corpus file is read: 23 workflows and the composite action, no problems', () => {
  const files = readdirSync(CORPUS_WORKFLOWS).filter((n) => /\.ya?ml$/.test(n));
  expect(files).toHaveLength(24);
  const workflows = [...read.values()].flatMap((r) => r.checkout.workflows);
  expect(workflows).toHaveLength(23);
  expect([...read.values()].flatMap((r) => r.checkout.problems)).toEqual([]);
  expect([...read.get('cds-snc/notification-terraform')!.checkout.actions.keys()]).toEqual(['.github/actions/setup-terraform']);
});

// workflow file → its triggers, as parsed.
const TRIGGERS: [string, string, string[]][] = [
  ['aws-actions/configure-aws-credentials', 'automerge-approved-prs.yml', ['pull_request_review']],
  ['aws-actions/configure-aws-credentials', 'dependabot-autoapprove.yml', ['pull_request_target', 'workflow_dispatch']],
  ['aws-actions/configure-aws-credentials', 'tests-integ-push.yml', ['push', 'workflow_dispatch']],
  ['aws-actions/configure-aws-credentials', 'tests-integ-release.yml', ['pull_request_target', 'workflow_dispatch']],
  ['aws-powertools/powertools-lambda-python', 'publish_v3_layer.yml', ['workflow_dispatch', 'workflow_call']],
  ['aws-powertools/powertools-lambda-python', 'release-v3.yml', ['workflow_dispatch']],
  ['aws-powertools/powertools-lambda-python', 'reusable_deploy_v3_layer_stack.yml', ['workflow_call']],
  ['aws-powertools/powertools-lambda-python', 'reusable_publish_docs.yml', ['workflow_call']],
  ['aws-powertools/powertools-lambda-python', 'run-e2e-tests.yml', ['workflow_dispatch', 'push']],
  ['aws-samples/eks-workshop-v2', 'module-test.yaml', ['workflow_call']],
  ['aws-samples/eks-workshop-v2', 'release.yaml', ['milestone', 'workflow_dispatch']],
  ['aws-samples/eks-workshop-v2', 'test-automation.yaml', ['workflow_dispatch', 'schedule']],
  ['awslabs/mountpoint-s3', 'bench_pr.yml', ['pull_request_target']],
  ['awslabs/mountpoint-s3', 'integration.yml', ['workflow_call']],
  ['awslabs/mountpoint-s3', 'integration_main.yml', ['push', 'merge_group', 'schedule', 'workflow_dispatch']],
  ['awslabs/mountpoint-s3', 'integration_pr.yml', ['pull_request_target']],
  ['awslabs/mountpoint-s3', 'stress_pr.yml', ['pull_request_target']],
  ['cds-snc/notification-terraform', 'merge_to_main_production.yml', ['workflow_dispatch', 'push']],
  ['cds-snc/notification-terraform', 'terragrunt_fmt_validate.yml', ['workflow_dispatch', 'pull_request']],
  ['cds-snc/notification-terraform', 'terragrunt_plan_production.yml', ['workflow_dispatch', 'pull_request']],
  ['open-telemetry/opentelemetry-lambda', 'integration-test.yml', ['workflow_dispatch', 'workflow_call']],
  ['open-telemetry/opentelemetry-lambda', 'layer-publish.yml', ['workflow_call']],
  ['open-telemetry/opentelemetry-lambda', 'release-layer-python.yml', ['push']],
];

test.each(TRIGGERS)('%s %s: triggers', (repository, file, events) => {
  const workflow = read.get(repository)!.checkout.workflows.find((w) => short(w.path) === file)!;
  expect(workflow.triggers.map((t) => t.event)).toEqual(events);
});

// started by → job as written (@environment) for each token-requesting job of a repository.
const TOKEN_JOBS: Record<string, string[]> = {
  'aws-actions/configure-aws-credentials': [
    'automerge-approved-prs.yml → automerge-approved-prs.yml:approved_pr',
    'dependabot-autoapprove.yml → dependabot-autoapprove.yml:dependabot',
    'tests-integ-push.yml → tests-integ-push.yml:package_and_test',
    ...['oidc', 'static_assumeRole', 'role_chaining', 'inline_policy', 'http-proxy', 'token-file', 'profile-oidc'].map((j) => `tests-integ-release.yml → tests-integ-release.yml:${j}`),
  ],
  'aws-powertools/powertools-lambda-python': [
    'publish_v3_layer.yml → publish_v3_layer.yml:build-layer',
    'publish_v3_layer.yml → reusable_deploy_v3_layer_stack.yml:deploy-cdk-stack@layer-beta',
    'publish_v3_layer.yml → reusable_deploy_v3_layer_stack.yml:deploy-cdk-stack@layer-prod',
    'publish_v3_layer.yml → reusable_publish_docs.yml:publish_docs@Docs',
    'release-v3.yml → release-v3.yml:release@release',
    'release-v3.yml → publish_v3_layer.yml:build-layer',
    'release-v3.yml → reusable_deploy_v3_layer_stack.yml:deploy-cdk-stack@layer-beta',
    'release-v3.yml → reusable_deploy_v3_layer_stack.yml:deploy-cdk-stack@layer-prod',
    'release-v3.yml → reusable_publish_docs.yml:publish_docs@Docs',
    'run-e2e-tests.yml → run-e2e-tests.yml:run',
  ],
  'aws-samples/eks-workshop-v2': ['release.yaml → release.yaml:build', 'test-automation.yaml → module-test.yaml:run-tests'],
  'open-telemetry/opentelemetry-lambda': [
    'integration-test.yml → integration-test.yml:test',
    'release-layer-python.yml → integration-test.yml:test',
    'release-layer-python.yml → layer-publish.yml:publish_layer',
  ],
};

describe('token-requesting jobs, through local reusable workflows', () => {
  test.each(Object.entries(TOKEN_JOBS))('%s', (repository, expected) => {
    const jobs = read.get(repository)!.scan.jobs.map((j) => `${short(j.workflow.path)} → ${short(j.jobWorkflow.path)}:${j.job.id}${j.environment ? `@${j.environment}` : ''}`);
    expect(jobs).toEqual(expected);
  });

  test('mountpoint: integration_pr.yml runs integration.yml in "PR integration tests"; bench/stress callees are named unresolved', () => {
    const { scan } = read.get('awslabs/mountpoint-s3')!;
    const approval = scan.jobs.filter((j) => j.job.id === 'approval').map((j) => `${short(j.workflow.path)}@${j.environment}`);
    // integration_main.yml gives no environment input: the declared input is empty, so the job has no environment.
    expect(approval).toEqual(['integration_main.yml@undefined', 'integration_pr.yml@PR integration tests']);
    const jobIds = (file: string) => scan.jobs.filter((j) => short(j.workflow.path) === file).map((j) => j.job.id);
    const integration = ['approval', 'fs-test', 'client-test', 'fstab', 'asan', 'metrics', 'build-srpm', 'test-rpm', 'workflow-complete'];
    expect(jobIds('integration_pr.yml')).toEqual(integration);
    expect(jobIds('integration_main.yml')).toEqual(integration);
    expect(jobIds('bench_pr.yml')).toEqual([]);
    expect(scan.unresolved.map((u) => u.uses)).toEqual(['./.github/workflows/bench.yml', './.github/workflows/bench_s3express.yml', './.github/workflows/stress.yml']);
  });

  test('powertools: the remote SLSA generator is named, never guessed', () => {
    expect(read.get('aws-powertools/powertools-lambda-python')!.scan.unresolved.map((u) => u.uses)).toEqual([
      'slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.0.0',
    ]);
  });

  test('cds-snc: the composite action holds the credentials step; its inputs come from the calling step', () => {
    const { scan } = read.get('cds-snc/notification-terraform')!;
    const apply = scan.jobs.find((j) => j.job.id === 'terragrunt-apply-ecr')!;
    const roles = apply.steps.filter((s) => s.with['role-to-assume']).map((s) => [s.file.endsWith('action.yml'), s.with['role-to-assume']]);
    expect(roles).toEqual([
      [false, 'arn:aws:iam::${{env.ACCOUNT_ID}}:role/notification-terraform-apply'],
      [true, 'arn:aws:iam::${{env.ACCOUNT_ID}}:role/notification-terraform-apply'],
    ]);
    const count = (file: string) => scan.jobs.filter((j) => short(j.workflow.path) === file).length;
    expect([count('merge_to_main_production.yml'), count('terragrunt_fmt_validate.yml'), count('terragrunt_plan_production.yml')]).toEqual([23, 1, 8]);
  });
});

describe('subjects (default template, default branch main)', () => {
  const subjects = (repository: string, workflow: string, job: string) => {
    const { scan } = read.get(repository)!;
    const settings = unknownSettings(repository, 'main');
    return [...new Set(scan.jobs.filter((j) => short(j.workflow.path) === workflow && j.job.id === job).flatMap((j) => candidateRuns(j, settings).map((r) => `${r.event} ${r.claims.sub}`)))];
  };
  test.each([
    ['awslabs/mountpoint-s3', 'integration_pr.yml', 'fs-test', ['pull_request_target repo:awslabs/mountpoint-s3:pull_request']],
    ['awslabs/mountpoint-s3', 'integration_pr.yml', 'approval', ['pull_request_target repo:awslabs/mountpoint-s3:environment:PR integration tests']],
    ['aws-actions/configure-aws-credentials', 'automerge-approved-prs.yml', 'approved_pr', ['pull_request_review repo:aws-actions/configure-aws-credentials:pull_request']],
    ['aws-actions/configure-aws-credentials', 'tests-integ-push.yml', 'package_and_test', [
      'push repo:aws-actions/configure-aws-credentials:ref:refs/heads/main',
      'workflow_dispatch repo:aws-actions/configure-aws-credentials:ref:refs/heads/main',
      'workflow_dispatch repo:aws-actions/configure-aws-credentials:ref:refs/heads/keyless-any',
      'workflow_dispatch repo:aws-actions/configure-aws-credentials:ref:refs/tags/keyless-any',
    ]],
    ['aws-powertools/powertools-lambda-python', 'release-v3.yml', 'deploy-cdk-stack', [
      'workflow_dispatch repo:aws-powertools/powertools-lambda-python:environment:layer-beta',
      'workflow_dispatch repo:aws-powertools/powertools-lambda-python:environment:layer-prod',
    ]],
    ['aws-samples/eks-workshop-v2', 'test-automation.yaml', 'run-tests', [
      'workflow_dispatch repo:aws-samples/eks-workshop-v2:ref:refs/heads/main',
      'workflow_dispatch repo:aws-samples/eks-workshop-v2:ref:refs/heads/keyless-any',
      'workflow_dispatch repo:aws-samples/eks-workshop-v2:ref:refs/tags/keyless-any',
      'schedule repo:aws-samples/eks-workshop-v2:ref:refs/heads/main',
    ]],
    ['aws-samples/eks-workshop-v2', 'release.yaml', 'build', [
      'milestone repo:aws-samples/eks-workshop-v2:ref:refs/heads/main',
      'workflow_dispatch repo:aws-samples/eks-workshop-v2:ref:refs/heads/main',
      'workflow_dispatch repo:aws-samples/eks-workshop-v2:ref:refs/heads/keyless-any',
      'workflow_dispatch repo:aws-samples/eks-workshop-v2:ref:refs/tags/keyless-any',
    ]],
    ['cds-snc/notification-terraform', 'terragrunt_fmt_validate.yml', 'terragrunt-format', [
      'workflow_dispatch repo:cds-snc/notification-terraform:ref:refs/heads/main',
      'workflow_dispatch repo:cds-snc/notification-terraform:ref:refs/heads/keyless-any',
      'workflow_dispatch repo:cds-snc/notification-terraform:ref:refs/tags/keyless-any',
      'pull_request repo:cds-snc/notification-terraform:pull_request',
    ]],
    ['open-telemetry/opentelemetry-lambda', 'release-layer-python.yml', 'publish_layer', ['push repo:open-telemetry/opentelemetry-lambda:ref:refs/tags/layer-python/keyless-any']],
  ])('%s %s:%s', (repository, workflow, job, expected) => {
    expect(subjects(repository, workflow, job)).toEqual(expected);
  });
});
