/** `keyless setup` as a process: help for every flag, usage errors (exit 2, the flag named), one JSON document. */
import { describe, expect, it } from 'vitest';
import { keyless } from './helpers/setup.js';

const FLAGS = [
  '--repository', '--environment', '--branch', '--tag', '--pull-requests', '--workflow', '--owner-id', '--repository-id', '--include-name-only',
  '--audience', '--issuer', '--role-name', '--account', '--partition', '--max-session-duration', '--policy-arn', '--permissions-boundary',
  '--region', '--max-size', '--format', '--json', '--verbose', '--apply', '--yes', '--help',
];

describe('keyless setup', () => {
  it('--help documents every flag; "keyless --help" lists the command', () => {
    const help = keyless(['setup', 'aws', '--help']);
    expect(help.code).toBe(0);
    for (const flag of FLAGS) expect(help.stdout, flag).toMatch(new RegExp(`^\\s+(-\\w, )?${flag}\\b`, 'm'));
    expect(keyless(['--help']).stdout).toContain('setup aws');
    expect(keyless(['setup', '--help'])).toMatchObject({ code: 0 });
    expect(keyless(['setup'])).toMatchObject({ code: 2, stdout: '' });
  });

  it.each([
    [['setup', 'gcp'], 'unknown command "setup gcp"; expected "setup aws"'],
    [['setup', 'aws', '--environment', 'prod', '--format', 'terraform'], '--repository (OWNER/REPO, or OWNER@OWNER_ID/REPO@REPO_ID, repeatable) is required'],
    [['setup', 'aws', '--repository', 'o/r', '--environment', 'prod'], '--format (cloudformation, cloudformation-json, terraform, aws-cli; or --apply to set up IAM with your own credentials) is required'],
    [['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'pulumi'], '--format "pulumi" is not one of cloudformation, cloudformation-json, terraform, aws-cli'],
    [['setup', 'aws', '--repository', 'o/r', '--format', 'terraform'], 'one of --environment, --branch, --tag or --pull-requests (the runs the policy admits) is required'],
    [['setup', 'aws'], '--repository (OWNER/REPO, or OWNER@OWNER_ID/REPO@REPO_ID, repeatable), one of --environment, --branch, --tag or --pull-requests (the runs the policy admits) and --format (cloudformation, cloudformation-json, terraform, aws-cli; or --apply to set up IAM with your own credentials) are required'],
    [['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'terraform', '--region', 'eu-west-1', '--region', 'eu-west-2'], '--region is given twice ("eu-west-1" and "eu-west-2"); it takes one value'],
    [['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'terraform', '--yes'], '--yes confirms the changes of --apply'],
    [['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'terraform', '--colour'], 'unknown flag --colour for "keyless setup aws"'],
    [['setup', 'aws', '--repository', 'o', '--environment', 'prod', '--format', 'terraform'], '--repository: repository "o" is not OWNER/REPO'],
    [['setup', 'aws', '--repository', 'o/r', '--repository', 'x', '--environment', 'prod', '--format', 'terraform'], '--repository: repository "x" is not OWNER/REPO'],
    [['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'terraform', '--region', 'cn-north-1'], '--region: region cn-north-1 is in partition aws-cn, but the role is in aws'],
    [['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'terraform', '--policy-arn', 'arn:aws-cn:iam::aws:policy/ReadOnlyAccess'], '--policy-arn: policy "arn:aws-cn:iam::aws:policy/ReadOnlyAccess" is in partition aws-cn, but the role is in aws (--partition)'],
    [['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'terraform', '--account', '12'], '--account: account "12" is not a 12-digit AWS account id'],
  ])('%j is exit 2: %s', (args, message) => {
    const r = keyless(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`keyless: error: ${message}`);
  });

  it('--json prints exactly one JSON document and nothing on stderr', () => {
    const r = keyless(['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'terraform', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['format', 'config', 'trustPolicy', 'subjects', 'requireClaims', 'roleArn', 'workflow', 'notes']);
    expect(doc['subjects']).toEqual(['repo:o/r:environment:prod']);
    expect(doc['roleArn']).toBe('arn:aws:iam::ACCOUNT_ID:role/github-actions-r');
  });

  it('notes go to stderr: the defaulted role name and the placeholder account', () => {
    const r = keyless(['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'aws-cli']);
    expect(r.stderr).toContain('note: the role is named github-actions-r (pass --role-name to choose)');
    expect(r.stderr).toContain("note: the workflow's role-to-assume uses the placeholder ACCOUNT_ID");
    expect(r.stdout.startsWith('#!/usr/bin/env bash\n')).toBe(true);
  });

  it('says when the trust policy is longer than IAM accepts by default', () => {
    const many = Array.from({ length: 40 }, (_, i) => ['--environment', `environment-${i}`]).flat();
    const r = keyless(['setup', 'aws', '--repository', 'octo-org/octo-repo', ...many, '--format', 'terraform']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: the policy is [\d,]+ characters \(IAM does not count whitespace\), over IAM's default quota of 2,048: .*\(policy-too-large\)/);
    expect(keyless(['setup', 'aws', '--repository', 'o/r', '--environment', 'prod', '--format', 'terraform']).stderr).not.toContain('2,048');
    // A stated quota that takes it: no note.
    expect(keyless(['setup', 'aws', '--repository', 'octo-org/octo-repo', ...many, '--format', 'terraform', '--max-size', '4096']).stderr).not.toContain('quota');
  });
});
