/**
 * Workflow-command injection (issue 21, item 1), against the built dist/: loopback upstreams answer
 * with a line break followed by `::stop-commands::X`, which would make the runner ignore every later
 * command, the credentials' `::add-mask::` included. The stdout of every run must stay well formed:
 * no line the runner would act on but our own commands, and the credentials masked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, runAction, secretLeaks, type ActionRun } from '../helpers/runner.js';
import { handledSecrets, startFakes, type Fakes } from '../helpers/fakes.js';
import { runProcess } from '../helpers/child.js';

const INJECTED = '\n::stop-commands::pwned\n::set-output name=x::y\n##[add-mask]z';
/** Workflow commands the action itself prints; anything else the runner would act on is injected. */
const OWN_COMMANDS = /^::(add-mask|error|warning|debug|notice)( [^:]*)?::/;

let fakes: Fakes;
let dir: string;
beforeAll(async () => {
  fakes = await startFakes();
  dir = mkdtempSync(join(tmpdir(), 'keyless-injection-'));
});
afterAll(async () => {
  await fakes.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => fakes.reset());

const run = (inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction({ inputs: { ...fakes.inputs, ...inputs }, env: { ...fakes.env, ...env } });

/** Every line the runner would read as a command is one of ours; the legacy `##[` form appears nowhere. */
function expectWellFormed(output: string): void {
  for (const line of output.split(/\r\n|\r|\n/)) {
    // A line that is one of our own commands is parsed as that command, whatever its data holds.
    if (/^\s*::/.test(line)) expect(line, 'an injected workflow command').toMatch(OWN_COMMANDS);
    else expect(line, 'a legacy workflow command').not.toContain('##[');
  }
  expect(output).not.toMatch(/^::stop-commands::/m);
}

/** The run succeeded, its output is well formed, and every credential was masked before anything printed it. */
function expectMaskedSuccess(result: ActionRun): void {
  expect(result.exitCode, result.stdout).toBe(0);
  expectWellFormed(result.stdout);
  expect(secretLeaks(result, handledSecrets(fakes.sts))).toEqual([]);
  const credentials = [...fakes.sts.issued.values()].at(-1)!;
  for (const secret of [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken]) expect(result.masks).toContain(secret);
}

describe('upstream answers carrying workflow commands', () => {
  it('the token endpoint: a 5xx body, then a 4xx "Pending" body, are retried and logged inert', async () => {
    fakes.issuer.scriptTokenEndpoint(
      { status: 503, body: `down${INJECTED}` },
      { status: 400, body: `{"message":"Can't issue ID_TOKEN for job in 'Pending' state.${INJECTED}"}` },
    );
    const result = await run();
    expect(result.stdout).toMatch(/OIDC token request attempt 1 failed \(HTTP 503: "down\\n::stop-commands::pwned/);
    expect(result.stdout).toMatch(/OIDC token request attempt 2 failed \(HTTP 400: .*Pending/);
    expectMaskedSuccess(result);
  });

  it('STS: the error message of a retried throttling answer is logged inert', async () => {
    fakes.sts.script({ kind: 'error', status: 400, code: 'Throttling', message: `Rate exceeded${INJECTED}` });
    const result = await run();
    expect(result.stdout).toMatch(/STS attempt 1 of 12 failed \(HTTP 400 Throttling: "Rate exceeded\\n::stop-commands::pwned/);
    expectMaskedSuccess(result);
  });

  it('use-existing-credentials: a GetCallerIdentity error is logged inert, then new credentials are masked', async () => {
    fakes.sts.script({ kind: 'error', status: 403, code: 'InvalidClientTokenId', message: `The security token included in the request is invalid.${INJECTED}` });
    const result = await run({ 'use-existing-credentials': 'true' }, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXISTING1', AWS_SECRET_ACCESS_KEY: 'existing/secret/key/example/0000000000' });
    expect(result.stdout).toMatch(/use-existing-credentials: no usable credentials in the job \(InvalidClientTokenId: "The security token/);
    expectMaskedSuccess(result);
  });

  it('the sub claim and a policy Sid in the trust-policy line are quoted', async () => {
    const sub = `repo:octo-org/octo-repo:ref:refs/heads/main${INJECTED}`;
    fakes.issuer.setRunnerTokenOptions({ claims: { sub } });
    const policy = join(dir, 'trust.json');
    const provider = new URL(fakes.issuer.url).host;
    writeFileSync(
      policy,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: `GitHub${INJECTED}`,
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${provider}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${provider}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${provider}:sub`]: 'repo:octo-org/octo-repo:*' } },
          },
        ],
      }),
    );
    const result = await run({ 'trust-policy': policy });
    expect(result.stdout).toMatch(/admits this token: Allowed: statement \d+ "GitHub\\n::stop-commands::pwned/);
    expectMaskedSuccess(result);
  });

  it('the discovery document: a jwks_uri with a line break is refused, not logged in its retry line', async () => {
    // The URL parser drops line breaks, so such a jwks_uri could be fetched; its JWKS answers 503
    // once, and the retry line would name it. (No `#`: a fragment is refused anyway.)
    const server = await hostileIssuer((origin) => ({ issuer: origin, jwks_uri: `${origin}/keys\n::stop-commands::pwned` }), { jwksFailures: 1 });
    try {
      const result = await run({ 'oidc-issuer': server.origin });
      expectWellFormed(result.stdout);
      expect(result.exitCode).toBe(1);
      expect(result.errors.join('\n')).toMatch(/no usable jwks_uri \("http:\/\/127\.0\.0\.1:\d+\/keys\\n::stop-commands::pwned/);
      expect(fakes.sts.calls).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

describe('the audit action and the CLI', () => {
  const template = (logicalId: string) =>
    JSON.stringify({
      Resources: {
        [logicalId]: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/*' } },
                },
              ],
            },
          },
        },
      },
    });

  it('a file name with line breaks (git allows them) leaves the audit action\'s output well formed', async () => {
    const workspace = mkdtempSync(join(dir, 'ws-'));
    const name = `roles${INJECTED}`;
    writeFileSync(join(workspace, `${name}.template.json`), template('DeployRole'));
    // Skipped with a note that names it: the note is a log line.
    writeFileSync(join(workspace, `${name}.broken.json`), '{"Resources": {"R": {"Type": "AWS::IAM::Role", "AssumeRolePolicyDocument": ');
    const result = await runAction({ entry: join(ROOT, 'dist', 'audit', 'index.js'), inputs: { paths: '.', 'fail-on-findings': 'never' }, env: { GITHUB_WORKSPACE: workspace } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.roles).toBe('1');
    expect(result.stdout).toMatch(/note: skipped "roles\\n::stop-commands::pwned.*broken\.json": not valid JSON/);
    expectWellFormed(result.stdout);
  });

  it('the CLI quotes CloudFormation logical ids: no line break or escape sequence reaches its output', async () => {
    const file = join(dir, 'template.json');
    writeFileSync(file, template(`Role${INJECTED}\u001b[2J`));
    const result = await runProcess(process.execPath, [join(ROOT, 'dist', 'cli', 'index.js'), 'trust-policy', 'audit', file]);
    expect(result.stdout).toContain('"Role\\n::stop-commands::pwned');
    expect(result.stdout).not.toContain('\u001b');
    expectWellFormed(result.stdout);
    expectWellFormed(result.stderr);
  });
});

interface HostileIssuer {
  readonly origin: string;
  close(): Promise<void>;
}

/** An issuer whose discovery document says what the test wants; its JWKS is the loopback issuer's, after `jwksFailures` 503s. */
async function hostileIssuer(discovery: (origin: string) => unknown, options: { jwksFailures?: number } = {}): Promise<HostileIssuer> {
  let failures = options.jwksFailures ?? 0;
  const jwks = { keys: [fakes.issuer.publicJwk] };
  const server: Server = createServer((request, response) => {
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    if (request.url === '/.well-known/openid-configuration') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(discovery(origin)));
    } else if (request.url?.startsWith('/keys') && failures-- > 0) {
      response.writeHead(503).end();
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
