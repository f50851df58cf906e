/**
 * The corpus' 38 real-world trust policies through the audit, as they are and carried in every
 * source the audit reads (IAM output with URL-encoded and decoded policies, a CloudFormation
 * template in YAML, a Terraform plan): each is found as a role trusting GitHub, never skipped, and
 * gets exactly lint's findings, which agree with the catalog's verdicts (corpus-policies.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { auditRoles } from '../../src/trust/audit/audit.js';
import { readRoles } from '../../src/trust/audit/read.js';
import type { AuditReport } from '../../src/trust/audit/types.js';
import { lintTrustPolicy } from '../../src/trust/index.js';
import { catalog, corpusPath } from './helpers/corpus.js';

const entries = catalog();
const policies = entries.map((e) => ({ file: e.file, name: e.file.replace(/^policies\//, '').replace(/\.json$/, ''), verdict: e.verdict, policy: JSON.parse(readFileSync(corpusPath('trust-policies', e.file), 'utf8')) as unknown }));
/** IAM role names: up to 64 of [\w+=,.@-]. */
const roleName = (name: string): string => name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);

const lintKeys = (policy: unknown): string[] => lintTrustPolicy(policy).map((f) => `${f.ruleId} ${f.path}`).sort();
const auditKeys = (report: AuditReport, role: string): string[] => report.roles.find((r) => r.role === role)!.findings.map((f) => `${f.rule} ${f.path}`).sort();

/** The role lives where its policy's provider is (a provider in another account is its own finding, tested elsewhere). */
const accountOf = (policy: unknown): string => /"arn:aws[a-z-]*:iam::(\d{12}):oidc-provider\//.exec(JSON.stringify(policy))?.[1] ?? '123456789012';

const SOURCES: { label: string; syntax: 'json' | 'yaml'; text: () => string; roleOf: (name: string) => string }[] = [
  {
    label: 'aws iam list-roles, as the API returns it (URL-encoded)',
    syntax: 'json',
    text: () => JSON.stringify({ Roles: policies.map((p) => ({ RoleName: roleName(p.name), Arn: `arn:aws:iam::${accountOf(p.policy)}:role/${roleName(p.name)}`, AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(p.policy)) })) }),
    roleOf: roleName,
  },
  {
    label: 'aws iam get-account-authorization-details, as the CLI prints it',
    syntax: 'json',
    text: () => JSON.stringify({ RoleDetailList: policies.map((p) => ({ RoleName: roleName(p.name), AssumeRolePolicyDocument: p.policy })), UserDetailList: [] }, null, 4),
    roleOf: roleName,
  },
  {
    label: 'a CloudFormation template in YAML',
    syntax: 'yaml',
    text: () =>
      stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: Object.fromEntries(policies.map((p, i) => [`Role${i}`, { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: p.policy } }])),
      }),
    roleOf: (name) => `Role${policies.findIndex((p) => p.name === name)}`,
  },
  {
    label: 'Terraform plan JSON',
    syntax: 'json',
    text: () =>
      JSON.stringify({
        format_version: '1.2',
        planned_values: {
          root_module: {
            resources: policies.map((p, i) => ({ address: `aws_iam_role.r${i}`, mode: 'managed', type: 'aws_iam_role', name: `r${i}`, values: { assume_role_policy: JSON.stringify(p.policy) } })),
          },
        },
      }),
    roleOf: (name) => `aws_iam_role.r${policies.findIndex((p) => p.name === name)}`,
  },
];

describe('the corpus through the audit', () => {
  it('has the 38 catalogued policies', () => {
    expect(policies).toHaveLength(38);
  });

  describe.each(SOURCES)('$label', ({ syntax, text, roleOf }) => {
    it('finds all 38 roles as trusting GitHub, skips none, and reports exactly lint\'s findings', async () => {
      const source = text();
      const found = await readRoles(source, 'corpus', 'corpus', syntax);
      const report = auditRoles(found!);
      expect(report.skipped).toBe(0);
      expect(report.roles).toHaveLength(38);
      for (const p of policies) expect(auditKeys(report, roleOf(p.name)), p.file).toEqual(lintKeys(p.policy));
    });
  });

  it('puts findings of decoded policies on the line of the key they name', async () => {
    const source = SOURCES[1]!.text();
    const lines = source.split('\n');
    const report = auditRoles((await readRoles(source, 'corpus.json', 'corpus', 'json'))!);
    let checked = 0;
    for (const role of report.roles) {
      role.findings.forEach((f, i) => {
        const last = /\["([^"]+)"\]$|\.([A-Za-z]+)$/.exec(f.path);
        const key = last?.[1] ?? last?.[2];
        if (!key) return;
        expect(lines[role.findingLines[i]! - 1], `${role.role} ${f.path}`).toContain(JSON.stringify(key));
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(50);
  });

  // "bad-by-default" (configure-aws-credentials' CloudFormation example) is bad through its
  // parameter Defaults ("*"), which the transcribed document does not carry: as a template, the
  // audit resolves them and flags it (BroadRole in test/fixtures/audit/cloudformation/github-roles.yaml).
  it('agrees with the catalog: the BAD and broad policies have errors, the good ones none', async () => {
    const found = await readRoles(SOURCES[0]!.text(), 'corpus', 'corpus', 'json');
    const report = auditRoles(found!);
    for (const p of policies) {
      const errors = report.roles.find((r) => r.role === roleName(p.name))!.findings.filter((f) => f.severity === 'error');
      if (p.verdict === 'bad-by-default') continue;
      if (/^BAD/i.test(p.verdict) || /^broad/.test(p.verdict)) expect(errors.length, p.file).toBeGreaterThan(0);
      if (/^good/.test(p.verdict) || p.verdict === 'acceptable-broad' || p.verdict === 'ok-missing-aud') expect(errors, p.file).toEqual([]);
    }
  });
});
