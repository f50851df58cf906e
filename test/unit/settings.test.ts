import { describe, expect, it } from 'vitest';
import { KeylessError } from '../../src/shared/errors.js';
import { parseSettings } from '../../src/inputs/settings.js';
import { defaultSessionName, partitionOfRegion } from '../../src/inputs/aws-names.js';
import { contextFromEnv } from '../helpers/context.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';

function parse(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return parseSettings((name) => (inputs[name] ?? '').trim(), contextFromEnv(env));
}

function problemOf(inputs: Record<string, string>, env: Record<string, string> = {}): string {
  try {
    parse(inputs, env);
  } catch (error) {
    expect(error).toBeInstanceOf(KeylessError);
    expect((error as KeylessError).code).toBe('invalid-input');
    return [(error as KeylessError).message, ...(error as KeylessError).details].join('\n');
  }
  throw new Error('expected the inputs to be rejected');
}

describe('parseSettings: defaults', () => {
  it('fills every default from role and region alone', () => {
    const s = parse({ 'role-to-assume': ROLE, 'aws-region': 'eu-west-1' }, { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2' });
    expect(s.role).toEqual({ arn: ROLE, partition: 'aws', account: '123456789012', name: 'deploy' });
    expect(s).toMatchObject({
      region: 'eu-west-1',
      audience: 'sts.amazonaws.com',
      roleSessionName: 'GitHubActions-42-2',
      roleDurationSeconds: 3600,
      outputEnvCredentials: true,
      outputCredentials: false,
      maskAccountId: false,
      retryMaxAttempts: 12,
      actionTimeoutMs: 40_000,
      oidcIssuer: 'https://token.actions.githubusercontent.com',
      jobSummary: true,
    });
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(parse({ 'role-to-assume': ROLE }, { AWS_REGION: 'us-west-2' }).region).toBe('us-west-2');
    expect(parse({ 'role-to-assume': ROLE }, { AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
  });

  it('disable-retry means one attempt', () => {
    expect(parse({ 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'disable-retry': 'true', 'retry-max-attempts': '7' }).retryMaxAttempts).toBe(1);
  });

  it('minifies the inline session policy', () => {
    const s = parse({ 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'inline-session-policy': '{\n  "Version": "2012-10-17",\n  "Statement": []\n}' });
    expect(s.inlineSessionPolicy).toBe('{"Version":"2012-10-17","Statement":[]}');
  });

  it('reads role-by-environment as a table', () => {
    const s = parse({
      'role-by-environment': 'production: arn:aws:iam::111111111111:role/prod\nstaging: arn:aws:iam::222222222222:role/stage',
      'aws-region': 'us-east-1',
    });
    expect(s.role).toBeUndefined();
    expect(s.roleByEnvironment.get('staging')?.account).toBe('222222222222');
  });
});

describe('parseSettings: role ARNs in every partition', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/deploy', 'us-east-1'],
    ['arn:aws-cn:iam::123456789012:role/deploy', 'cn-north-1'],
    ['arn:aws-us-gov:iam::123456789012:role/deploy', 'us-gov-west-1'],
    ['arn:aws-iso:iam::123456789012:role/deploy', 'us-iso-east-1'],
    ['arn:aws-iso-b:iam::123456789012:role/deploy', 'us-isob-east-1'],
    ['arn:aws:iam::123456789012:role/path/to/deploy+role=,.@_-', 'us-east-1'],
  ])('accepts %s in %s', (arn, region) => {
    expect(parse({ 'role-to-assume': arn, 'aws-region': region }).role?.arn).toBe(arn);
  });
});

describe('parseSettings: each invalid input names the input, the value and what is expected', () => {
  const base = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' };
  it.each<[string, Record<string, string>, RegExp]>([
    ['missing role', { 'aws-region': 'us-east-1' }, /input "role-to-assume" \(given ""\): expected the ARN of the IAM role/],
    ['role name only', { ...base, 'role-to-assume': 'deploy' }, /input "role-to-assume" \(given "deploy"\): expected an IAM role ARN/],
    ['11-digit account', { ...base, 'role-to-assume': 'arn:aws:iam::12345678901:role/x' }, /role-to-assume.*12-digit account/],
    ['unknown partition', { ...base, 'role-to-assume': 'arn:aws-mars:iam::123456789012:role/x' }, /role-to-assume.*partition one of/],
    ['user ARN', { ...base, 'role-to-assume': 'arn:aws:iam::123456789012:user/x' }, /role-to-assume/],
    ['missing region', { 'role-to-assume': ROLE }, /input "aws-region" \(given ""\): expected an AWS region/],
    ['bad region', { ...base, 'aws-region': 'US East' }, /input "aws-region" \(given "US East"\)/],
    ['partition mismatch', { ...base, 'aws-region': 'cn-north-1' }, /aws-region.*partition "aws".*"aws-cn"/],
    ['duration too short', { ...base, 'role-duration-seconds': '899' }, /input "role-duration-seconds" \(given "899"\): expected a whole number from 900 to 43200 seconds/],
    ['duration too long', { ...base, 'role-duration-seconds': '43201' }, /role-duration-seconds.*43201/],
    ['duration not a number', { ...base, 'role-duration-seconds': '1h' }, /role-duration-seconds.*"1h"/],
    ['session name too short', { ...base, 'role-session-name': 'a' }, /input "role-session-name" \(given "a"\): expected 2–64 characters/],
    ['session name with space', { ...base, 'role-session-name': 'my session' }, /role-session-name.*"my session"/],
    ['session name too long', { ...base, 'role-session-name': 'x'.repeat(65) }, /role-session-name/],
    ['policy not JSON', { ...base, 'inline-session-policy': '{"Version":' }, /input "inline-session-policy": expected a JSON policy document object/],
    ['policy an array', { ...base, 'inline-session-policy': '[]' }, /inline-session-policy.*JSON policy document object/],
    ['policy too long', { ...base, 'inline-session-policy': JSON.stringify({ a: 'x'.repeat(2100) }) }, /inline-session-policy.*at most 2048 characters once minified/],
    ['bad policy ARN', { ...base, 'managed-session-policies': 'ReadOnlyAccess' }, /input "managed-session-policies" \(given "ReadOnlyAccess"\)/],
    [
      'eleven policies',
      { ...base, 'managed-session-policies': Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`).join('\n') },
      /managed-session-policies.*at most 10 policy ARNs.*11 given/,
    ],
    ['boolean yes', { ...base, 'output-credentials': 'yes' }, /input "output-credentials" \(given "yes"\): expected true or false/],
    ['boolean 1', { ...base, 'mask-aws-account-id': '1' }, /mask-aws-account-id.*"1".*true or false/],
    ['account id short', { ...base, 'allowed-account-ids': '123' }, /input "allowed-account-ids" \(given "123"\): expected comma-separated 12-digit/],
    ['retry zero', { ...base, 'retry-max-attempts': '0' }, /retry-max-attempts.*"0".*1 to 100/],
    ['timeout negative', { ...base, 'action-timeout-s': '-5' }, /action-timeout-s.*"-5"/],
    ['issuer http', { ...base, 'oidc-issuer': 'http://token.example.com' }, /input "oidc-issuer" \(given "http:\/\/token.example.com"\): expected an https:\/\/ URL/],
    ['issuer not a URL', { ...base, 'oidc-issuer': 'token.actions.githubusercontent.com' }, /oidc-issuer.*absolute URL/],
    ['issuer with query', { ...base, 'oidc-issuer': 'https://x.example/?a=b' }, /oidc-issuer.*without query/],
    ['sts endpoint http', { ...base, 'sts-endpoint': 'http://sts.amazonaws.com' }, /sts-endpoint.*https/],
    ['audience with space', { ...base, audience: 'sts amazonaws' }, /input "audience"/],
    ['claim rule without colon', { ...base, 'require-claims': 'repository octo-org/*' }, /input "require-claims".*line 1 "repository octo-org\/\*" has no ":"/],
    ['claim rule empty pattern', { ...base, 'require-claims': 'repository: a,,b' }, /require-claims.*empty pattern/],
    ['both role inputs', { ...base, 'role-by-environment': `prod: ${ROLE}` }, /either role-to-assume or role-by-environment/],
    ['role table line', { 'aws-region': 'us-east-1', 'role-by-environment': 'prod arn:aws:iam::123456789012:role/x' }, /input "role-by-environment"/],
    ['proxy not a URL', { ...base, 'http-proxy': 'proxy:3128:x' }, /input "http-proxy": expected an http:\/\/ or https:\/\/ proxy URL/],
  ])('%s', (_name, inputs, expected) => {
    expect(problemOf(inputs)).toMatch(expected);
  });

  it('reports every problem at once', () => {
    const message = problemOf({ 'role-to-assume': 'x', 'aws-region': 'y', 'role-duration-seconds': 'z' });
    expect(message).toMatch(/^3 inputs are invalid:/);
    expect(message).toMatch(/role-to-assume/);
    expect(message).toMatch(/aws-region/);
    expect(message).toMatch(/role-duration-seconds/);
  });

  it('never echoes a proxy URL, which may hold a password', () => {
    expect(problemOf({ ...base, 'http-proxy': 'ftp://user:hunter2@proxy' })).not.toMatch(/hunter2/);
  });
});

describe('defaults derived from the run', () => {
  it.each([
    [{ GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '1' }, 'GitHubActions-123-1'],
    [{}, 'GitHubActions'],
    [{ GITHUB_RUN_ID: '1 2/3', GITHUB_RUN_ATTEMPT: '1' }, 'GitHubActions-1_2_3-1'],
    [{ GITHUB_RUN_ID: '9'.repeat(80), GITHUB_RUN_ATTEMPT: '1' }, `GitHubActions-${'9'.repeat(50)}`],
  ])('session name for %j is %s', (env, expected) => {
    const run = { id: env.GITHUB_RUN_ID, attempt: env.GITHUB_RUN_ATTEMPT };
    expect(defaultSessionName(run)).toBe(expected);
    expect(defaultSessionName(run)).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-west-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
  ])('region %s is in partition %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });
});

describe('parseSettings: profiles, refresh, chaining and cleanup', () => {
  const base = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' };

  it('defaults: no profile, no refresh, no chaining, cleanup on', () => {
    expect(parse(base)).toMatchObject({ awsProfile: undefined, overwriteAwsProfile: false, refreshCredentials: false, roleChaining: false, cleanup: true });
  });

  it('refresh-credentials writes the "default" profile unless aws-profile names one', () => {
    expect(parse({ ...base, 'refresh-credentials': 'true' }).awsProfile).toBe('default');
    expect(parse({ ...base, 'refresh-credentials': 'true', 'aws-profile': 'long-job' }).awsProfile).toBe('long-job');
  });

  it.each(['deploy', 'prod.eu-west-1', 'a', 'x'.repeat(64), 'default', '_under'])('accepts profile name %j', (name) => {
    expect(parse({ ...base, 'aws-profile': name }).awsProfile).toBe(name);
  });

  it.each([
    ['a section break', 'evil]\n[default'],
    ['a space', 'profile deploy'],
    ['a bracket', 'deploy]'],
    ['an equals sign', 'a=b'],
    ['a comment character', 'a#b'],
    ['a leading dash', '-deploy'],
    ['too many characters', 'x'.repeat(65)],
  ])('refuses a profile name with %s', (_name, value) => {
    expect(problemOf({ ...base, 'aws-profile': value })).toMatch(
      /input "aws-profile" \(given .*\): expected a profile name of 1–64 characters from A–Z a–z 0–9 _ \. - \(not starting with \. or -\)/,
    );
  });

  it.each(['overwrite-aws-profile', 'refresh-credentials', 'role-chaining', 'cleanup'])('%s is a strict boolean', (input) => {
    expect(problemOf({ ...base, [input]: 'yes' })).toMatch(new RegExp(`input "${input}" \\(given "yes"\\): expected true or false`));
  });

  it('role chaining keeps AWS\'s one-hour limit', () => {
    expect(parse({ ...base, 'role-chaining': 'true', 'role-duration-seconds': '3600' }).roleDurationSeconds).toBe(3600);
    expect(problemOf({ ...base, 'role-chaining': 'true', 'role-duration-seconds': '3601' })).toBe(
      'Invalid input: input "role-duration-seconds" (given "3601"): expected at most 3600 seconds with role-chaining: true (AWS limits sessions assumed with role credentials to one hour)',
    );
  });

  it.each([
    ['require-claims', { 'require-claims': 'repository: octo-org/*' }],
    ['web-identity-token-file', { 'web-identity-token-file': '/t/token' }],
    ['trust-policy', { 'trust-policy': 'trust.json' }],
    ['refresh-credentials', { 'refresh-credentials': 'true' }],
  ])('role chaining refuses %s, which only applies to the OIDC token', (input, extra) => {
    expect(problemOf({ ...base, 'role-chaining': 'true', ...extra })).toMatch(
      new RegExp(`input "${input}": expected not to be combined with role-chaining: true \\(chaining uses the credentials in the environment, not the OIDC token\\)`),
    );
  });

  it('role chaining refuses role-by-environment', () => {
    expect(problemOf({ 'role-by-environment': `production: ${ROLE}`, 'aws-region': 'us-east-1', 'role-chaining': 'true' })).toMatch(
      /input "role-by-environment": expected not to be combined with role-chaining: true/,
    );
  });
});
