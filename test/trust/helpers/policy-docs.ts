/** Small trust policies and GitHub-like claims for the evaluation tests. */
export const GH = 'token.actions.githubusercontent.com';
export const ISS = `https://${GH}`;
export const ARN = `arn:aws:iam::123456789012:oidc-provider/${GH}`;

export function statement(condition: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { Effect: 'Allow', Principal: { Federated: ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition, ...extra };
}
export function doc(...statements: object[]) {
  return { Version: '2012-10-17', Statement: statements };
}
export const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISS,
  aud: 'sts.amazonaws.com',
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
  repository: 'octo-org/octo-repo',
  ref: 'refs/heads/main',
  ...extra,
});
