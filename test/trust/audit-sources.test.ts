/**
 * The audit's sources on the fixtures in test/fixtures/audit: a real Terraform plan (terraform show
 * -json), CloudFormation templates in YAML (short-form intrinsics) and JSON (long form), IAM
 * output as the CLI prints it (objects) and as the API returns it (URL-encoded), in JSON and YAML.
 * Table-driven: for each file, the roles found, the errors, and the roles skipped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditJson, auditRoles } from '../../src/trust/audit/audit.js';
import { readRoles, syntaxOf } from '../../src/trust/audit/read.js';
import { PROJECT_ROOT } from './helpers/corpus.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'audit');

async function audit(file: string) {
  const text = readFileSync(join(FIXTURES, file), 'utf8');
  const found = await readRoles(text, file, file, syntaxOf(file, text));
  expect(found, `${file} is recognised`).toBeDefined();
  return { text, found: found!, report: auditRoles(found!) };
}

/** Per role: the set of error rules, and rules that must be among the other findings. */
type Expected = Record<string, { errors: string[]; also?: string[] }>;

const CASES: { file: string; format: string; skipped: number; roles: Expected }[] = [
  {
    file: 'terraform/plan.json',
    format: 'terraform-plan',
    skipped: 1, // aws_iam_role.lambda
    roles: {
      'aws_iam_role.deploy': { errors: [] },
      // assume_role_policy "known after apply": the data source the plan read.
      'aws_iam_role.org_wide': { errors: ['sub-wildcard-repository'] },
      // the data source itself is deferred: reported, not guessed.
      'aws_iam_role.ci': { errors: [], also: ['unresolved-value'] },
      'aws_iam_role.anyone_on_github': { errors: ['no-sub-condition'] },
      'module.env_role["production"].aws_iam_role.this': { errors: [] },
      'module.env_role["staging"].aws_iam_role.this': { errors: [] },
    },
  },
  {
    file: 'cloudformation/github-roles.yaml',
    format: 'cloudformation',
    skipped: 1, // LambdaRole
    roles: {
      // RepositoryName Default "*": repo:${GitHubOrg}/*:*
      BroadRole: { errors: ['sub-wildcard-repository'], also: ['parameter-default', 'template-conditions', 'unresolved-placeholder'] },
      DeployRole: { errors: [] },
      ImportedProviderRole: { errors: [], also: ['unresolved-value', 'unresolved-placeholder'] },
    },
  },
  {
    file: 'cloudformation/roles.template.json',
    format: 'cloudformation',
    skipped: 1, // InstanceRole
    roles: {
      EnvironmentRole: { errors: [], also: ['unresolved-placeholder'] },
      PreviewRole: { errors: [], also: ['pull-request-with-protected', 'template-conditions'] },
    },
  },
  {
    file: 'iam/authorization-details.json',
    format: 'iam-authorization-details',
    skipped: 2, // ecs-task (a service), cognito-users (another provider)
    roles: {
      'deploy-production': { errors: [] },
      'org-wide-ci': { errors: ['sub-wildcard-repository'] },
      'ghes-deploy': { errors: [] },
      'enterprise-deploy': { errors: [] },
    },
  },
  {
    file: 'iam/list-roles-encoded.json',
    format: 'iam-list-roles',
    skipped: 2,
    roles: {
      'deploy-production': { errors: [] },
      'org-wide-ci': { errors: ['sub-wildcard-repository'] },
      'ghes-deploy': { errors: [] },
      'enterprise-deploy': { errors: [] },
    },
  },
  {
    file: 'iam/list-roles.yaml',
    format: 'iam-list-roles',
    skipped: 0,
    roles: { 'deploy-production': { errors: [] }, 'org-wide-ci': { errors: ['sub-wildcard-repository'] }, 'ghes-deploy': { errors: [] } },
  },
];

describe.each(CASES)('$file', ({ file, format, skipped, roles }) => {
  it('finds the roles trusting GitHub, with their errors, and counts the others as skipped', async () => {
    const { report } = await audit(file);
    expect(report.skipped).toBe(skipped);
    expect(report.roles.map((r) => r.role).sort()).toEqual(Object.keys(roles).sort());
    for (const role of report.roles) {
      expect(role.source.format).toBe(format);
      expect(role.source.file).toBe(file);
      const errors = [...new Set(role.findings.filter((f) => f.severity === 'error').map((f) => f.rule))].sort();
      expect(errors, role.role).toEqual(roles[role.role]!.errors);
      for (const rule of roles[role.role]!.also ?? []) expect(role.findings.map((f) => f.rule), `${role.role}: ${rule}`).toContain(rule);
    }
  });

  it('puts each role and finding on a line of the file that shows it', async () => {
    const { text, report } = await audit(file);
    const lines = text.split('\n');
    for (const role of report.roles) {
      expect(role.source.line).toBeGreaterThanOrEqual(1);
      role.findingLines.forEach((line, i) => {
        expect(line, `${role.role} ${role.findings[i]!.path}`).toBeGreaterThanOrEqual(1);
        expect(line!).toBeLessThanOrEqual(lines.length);
      });
      // In files with one value per line, the finding's line names the key it points at.
      if (format === 'terraform-plan' || file.includes('encoded')) continue;
      role.findings.forEach((f, i) => {
        const key = /\["([^"]+)"\](\[\d+\])?$|\.([A-Za-z]+)$/.exec(f.path);
        const name = key?.[1] ?? key?.[3];
        if (!name || /^\d/.test(name)) return;
        const line = lines[role.findingLines[i]! - 1]!;
        if (key?.[2]) return; // a list item: the value's own line
        expect(line, `${role.role}: ${f.path}`).toContain(name);
      });
    }
  });

  it('--json has exactly {roles: [{role, source, findings: [{rule, severity, message, path, line}]}], skipped}', async () => {
    const doc = auditJson((await audit(file)).report);
    expect(Object.keys(doc)).toEqual(['roles', 'skipped']);
    for (const role of doc.roles as Record<string, unknown>[]) {
      expect(Object.keys(role)).toEqual(['role', 'source', 'findings']);
      for (const f of role.findings as Record<string, unknown>[]) expect(Object.keys(f)).toEqual(['rule', 'severity', 'message', 'path', 'line']);
    }
  });
});

describe('CloudFormation intrinsics', () => {
  it('resolves parameter Defaults, pseudo parameters, Join, FindInMap and the template\'s own OIDC provider', async () => {
    const { found } = await audit('cloudformation/roles.template.json');
    const env = found.find((r) => r.role === 'EnvironmentRole')!;
    expect(env.policies).toHaveLength(1);
    const statement = (env.policies[0] as { Statement: { Principal: { Federated: string }; Condition: Record<string, Record<string, unknown>> }[] }).Statement[0]!;
    expect(statement.Principal.Federated).toBe('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    // Environment has no Default: left as a placeholder that lint reports.
    expect(statement.Condition.StringEquals!['token.actions.githubusercontent.com:sub']).toBe('repo:octo-org/app:environment:${Environment}');
    const deploy = (await audit('cloudformation/github-roles.yaml')).found.find((r) => r.role === 'DeployRole')!;
    expect(JSON.stringify(deploy.policies[0])).toContain('"repo:octo-org/app:environment:production"');
    expect(JSON.stringify(deploy.policies[0])).toContain('"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"');
  });

  it('checks both branches of Fn::If, and drops a parameter Default its condition contradicts', async () => {
    const { found } = await audit('cloudformation/github-roles.yaml');
    const broad = found.find((r) => r.role === 'BroadRole')!;
    const federated = broad.policies.map((p) => (p as { Statement: { Principal: { Federated: string } }[] }).Statement[0]!.Principal.Federated).sort();
    // CreateOIDCProvider true: the template's provider; false: OIDCProviderArn is not its Default "".
    expect(federated).toEqual(['${OIDCProviderArn}', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com']);
    const preview = (await audit('cloudformation/roles.template.json')).found.find((r) => r.role === 'PreviewRole')!;
    expect(preview.policies).toHaveLength(2);
  });

  it.each([
    ['the whole document from a parameter without Default', 'AssumeRolePolicyDocument: !Ref TrustDoc', 1, /the trust policy is not in the template/],
    [
      'a subject from a parameter without Default',
      'AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Federated: !Sub "arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"}, Action: sts:AssumeRoleWithWebIdentity, Condition: {StringEquals: {token.actions.githubusercontent.com:aud: sts.amazonaws.com, token.actions.githubusercontent.com:sub: !Sub "repo:octo-org/app:ref:refs/heads/${Branch}"}}}]}',
      1,
      /parameter Branch has no Default/,
    ],
    ['a role for a service', 'AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}', 0, undefined],
  ])('%s: reported with why, or skipped when it plainly trusts something else', async (_name, property, reported, message) => {
    const text = `Parameters:\n  TrustDoc: {Type: String}\n  Branch: {Type: String}\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      ${property}\n`;
    const report = auditRoles((await readRoles(text, 'x.yaml', 'x.yaml', 'yaml'))!);
    expect([report.roles.length, report.skipped]).toEqual([reported, 1 - reported]);
    if (message) expect(report.roles[0]!.findings).toContainEqual(expect.objectContaining({ rule: 'unresolved-value', severity: 'warning', message: expect.stringMatching(message) }));
  });

  it('a Terraform role whose assume_role_policy comes from a variable the plan does not know is reported, not skipped', async () => {
    const plan = {
      format_version: '1.2',
      planned_values: { root_module: { resources: [{ address: 'aws_iam_role.opaque', mode: 'managed', type: 'aws_iam_role', name: 'opaque', values: { name: 'opaque' } }] } },
      configuration: { root_module: { resources: [{ address: 'aws_iam_role.opaque', expressions: { assume_role_policy: { references: ['var.trust_policy'] } } }] } },
    };
    const text = JSON.stringify(plan, null, 2);
    const report = auditRoles((await readRoles(text, 'plan.json', 'plan.json', 'json'))!);
    expect(report.skipped).toBe(0);
    expect(report.roles.map((r) => [r.role, r.findings.map((f) => f.rule)])).toEqual([['aws_iam_role.opaque', ['unresolved-value']]]);
  });

  it('reports what it cannot resolve instead of failing', async () => {
    const text = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: !If [Never, [], !Split [",", !ImportValue shared-statements]]
`;
    const found = (await readRoles(text, 'x.yaml', 'x.yaml', 'yaml'))!;
    const report = auditRoles(found.map((r) => ({ ...r, trustsGitHub: true })));
    expect(report.roles[0]!.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['invalid-policy', 'unresolved-value']));
  });
});
