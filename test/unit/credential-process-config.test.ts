import { describe, expect, it } from 'vitest';
import { contextFromEnv } from '../helpers/context.js';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { parseSettings } from '../../src/inputs/settings.js';
import { buildProcessConfig, commandLine, credentialProcessOutput, parseProcessConfig, processCredentials } from '../../src/credential-process/config.js';
import { KeylessError } from '../../src/shared/errors.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';

function settingsOf(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return parseSettings((name) => (inputs[name] ?? '').trim(), contextFromEnv(env));
}

describe('buildProcessConfig', () => {
  const env = { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '3', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9999/', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-bearer-secret', GITHUB_WORKSPACE: '/work/repo' };

  it('pins what the action resolved, so the program assumes exactly the same role the same way', () => {
    const settings = settingsOf(
      {
        'role-to-assume': ROLE,
        'role-duration-seconds': '900',
        'require-claims': 'repository: octo-org/*\nref: refs/heads/main, refs/tags/v*',
        'managed-session-policies': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'inline-session-policy': '{ "Version": "2012-10-17", "Statement": [] }',
        'allowed-account-ids': '123456789012',
        'web-identity-token-file': 'token.jwt',
        'disable-retry': 'true',
        'oidc-issuer': 'https://token.actions.githubusercontent.com/octo-enterprise',
      },
      env,
    );
    const { config, notes } = buildProcessConfig(settings, contextFromEnv(env), { profile: 'deploy', auditFile: '/t/keyless/audit.jsonl', cwd: '/work/repo' });
    expect(notes).toEqual([]);
    expect(config).toEqual({
      version: 1,
      profile: 'deploy',
      auditFile: '/t/keyless/audit.jsonl',
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'eu-west-1',
        audience: 'sts.amazonaws.com',
        'role-session-name': 'GitHubActions-42-3',
        'role-duration-seconds': '900',
        'oidc-issuer': 'https://token.actions.githubusercontent.com/octo-enterprise',
        'retry-max-attempts': '1',
        'action-timeout-s': '40',
        'require-claims': 'repository: octo-org/*\nref: refs/heads/main, refs/tags/v*',
        'inline-session-policy': '{"Version":"2012-10-17","Statement":[]}',
        'managed-session-policies': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'allowed-account-ids': '123456789012',
        'web-identity-token-file': '/work/repo/token.jwt',
        'sts-endpoint': 'http://127.0.0.1:9999',
      },
    });
    // Read back by the program with the same parser, in an environment that has none of the above.
    const again = settingsOf(config.inputs);
    for (const key of ['role', 'region', 'audience', 'roleSessionName', 'roleDurationSeconds', 'inlineSessionPolicy', 'managedSessionPolicies', 'allowedAccountIds', 'retryMaxAttempts', 'oidcIssuer'] as const) {
      expect(again[key], key).toEqual(settings[key]);
    }
    // The action got the endpoint from AWS_ENDPOINT_URL_STS; the program gets it pinned.
    expect(again.stsEndpoint).toBe('http://127.0.0.1:9999');
    expect(again.claimRules.map((r) => r.source)).toEqual(settings.claimRules.map((r) => r.source));
    expect(JSON.stringify(config)).not.toContain('runner-bearer-secret');
  });

  it('keeps role-by-environment as a table', () => {
    const settings = settingsOf({ 'role-by-environment': 'production: arn:aws:iam::111111111111:role/prod\nstaging: arn:aws:iam::222222222222:role/stage', 'aws-region': 'us-east-1' });
    const { config } = buildProcessConfig(settings, contextFromEnv(), { profile: 'p', auditFile: undefined, cwd: '/' });
    expect(settingsOf(config.inputs).roleByEnvironment).toEqual(settings.roleByEnvironment);
    expect(config.auditFile).toBeNull();
  });

  it('never writes a proxy password to the file', () => {
    const withPassword = settingsOf({ 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'http-proxy': 'http://user:hunter2@proxy:3128' });
    const built = buildProcessConfig(withPassword, contextFromEnv(), { profile: 'p', auditFile: undefined, cwd: '/' });
    expect(JSON.stringify(built.config)).not.toContain('hunter2');
    expect(built.notes[0]).toMatch(/not written to a file: refreshes use HTTPS_PROXY/);
    const plain = settingsOf({ 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'http-proxy': 'http://proxy:3128' });
    expect(buildProcessConfig(plain, contextFromEnv(), { profile: 'p', auditFile: undefined, cwd: '/' }).config.inputs['http-proxy']).toBe('http://proxy:3128');
  });

  it('leaves an endpoint the program would refuse to the SDK rules of its environment', () => {
    const settings = settingsOf({ 'role-to-assume': ROLE, 'aws-region': 'us-east-1' });
    const { config } = buildProcessConfig(settings, contextFromEnv({ AWS_ENDPOINT_URL_STS: 'http://sts.internal' }), { profile: 'p', auditFile: undefined, cwd: '/' });
    expect(config.inputs['sts-endpoint']).toBeUndefined();
  });
});

describe('parseProcessConfig', () => {
  it.each([
    ['not JSON', '{', /not JSON/],
    ['another version', '{"version":2}', /version 2 is not 1/],
    ['inputs that are not strings', '{"version":1,"profile":"p","auditFile":null,"inputs":{"a":1}}', /inputs must be an object of strings/],
  ])('refuses %s with a message naming the file', (_name, text, message) => {
    try {
      parseProcessConfig(text, '/t/p.json');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(KeylessError);
      expect((error as KeylessError).message).toMatch(/Invalid credential-process configuration "\/t\/p\.json"/);
      expect((error as KeylessError).message).toMatch(message);
    }
  });
});

describe('commandLine', () => {
  const shellSplit = (line: string) => execFileSync('/bin/sh', ['-c', `for a in ${line}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' }).split('\0').slice(0, -1);
  const shlexSplit = (line: string) =>
    JSON.parse(execFileSync('python3', ['-c', 'import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1])))', line], { encoding: 'utf8' })) as string[];

  it('leaves plain paths alone', () => {
    expect(commandLine(['/usr/bin/node', '/a/dist/credential-process/index.js', '--config', '/t/keyless/aws/credential-process/p.json'], 'linux')).toBe(
      '/usr/bin/node /a/dist/credential-process/index.js --config /t/keyless/aws/credential-process/p.json',
    );
  });

  it('quotes so that /bin/sh (JS SDK) and shlex (AWS CLI) both get the arguments back', () => {
    const args = ['/opt/my node/bin/node', "/it's/here", '$HOME', 'a;b|c&d', '--config', '/t/x y/p.json'];
    const line = commandLine(args, 'linux');
    expect(shlexSplit(line)).toEqual(args);
    // The shell test goes through `for a in LINE`, which is how sh splits and unquotes words.
    expect(shellSplit(line)).toEqual(args);
  });

  it('property: any argument without NUL comes back through shlex unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 3 }), (args) => {
        expect(shlexSplit(commandLine(args, 'linux'))).toEqual(args);
      }),
      { numRuns: 25 },
    );
  });

  it('uses double quotes on Windows and refuses what they cannot hold', () => {
    expect(commandLine(['C:\\Program Files\\node.exe', 'C:\\a\\index.js'], 'win32')).toBe('"C:\\Program Files\\node.exe" C:\\a\\index.js');
    expect(() => commandLine(['a"b'], 'win32')).toThrow(/cannot quote/);
  });
});

describe('credentialProcessOutput', () => {
  it('is exactly the members AWS tools read', () => {
    const expiration = new Date('2030-01-02T03:04:05.000Z');
    const json = JSON.parse(
      credentialProcessOutput(processCredentials({
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'token',
        expiration,
        assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/deploy/s',
        assumedRoleId: 'AROA:s',
        account: '123456789012',
        requestId: 'r',
        attempts: 1,
      })),
    );
    expect(json).toEqual({ Version: 1, AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: '2030-01-02T03:04:05.000Z' });
  });
});
