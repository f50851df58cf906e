/** audit: a role whose ARN the source gives (IAM output) and whose Federated provider is in another account or partition. */
import { describe, expect, it } from 'vitest';
import { auditRoles } from '../../src/trust/audit/audit.js';
import { readRoles } from '../../src/trust/audit/read.js';

const policy = (providerAccount: string, partition = 'aws') => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:${partition}:iam::${providerAccount}:oidc-provider/token.actions.githubusercontent.com` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:octo-org/app:ref:refs/heads/main' } },
    },
  ],
});
const getRole = (document: unknown) =>
  JSON.stringify({ Role: { RoleName: 'deploy', Arn: 'arn:aws:iam::123456789012:role/deploy', AssumeRolePolicyDocument: document } });

async function findings(document: unknown) {
  const text = getRole(document);
  const report = auditRoles((await readRoles(text, 'role.json', 'role.json', 'json'))!);
  return report.roles.flatMap((r) => r.findings).filter((f) => f.rule === 'provider-other-account');
}

describe('provider-other-account', () => {
  it('is an error naming both accounts when the provider is in another account', async () => {
    const [f, ...rest] = await findings(policy('210987654321'));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', path: '$.Statement[0].Principal.Federated' });
    expect(f!.message).toContain('in account 210987654321, the role "arn:aws:iam::123456789012:role/deploy" in account 123456789012');
  });

  it('names the partitions when they differ', async () => {
    const [f] = await findings(policy('123456789012', 'aws-cn'));
    expect(f!.message).toContain('in partition aws-cn');
  });

  it('says nothing when the provider is in the role\'s account', async () => {
    expect(await findings(policy('123456789012'))).toEqual([]);
  });
});
