/** The loopback issuer and STS wired together the way a run on GitHub sees them. */
import { startLocalIssuer, type LocalIssuer, type LocalIssuerOptions } from '../../src/local/issuer.js';
import { startLocalSts, type LocalSts, type LocalStsOptions } from '../../src/local/sts.js';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/deploy';

export interface Fakes {
  readonly issuer: LocalIssuer;
  readonly sts: LocalSts;
  /** Inputs a workflow would give, pointed at the fakes. */
  readonly inputs: Record<string, string>;
  /** What the runner puts in the environment of a job with `id-token: write`. */
  readonly env: Record<string, string>;
  /** Requests the action made to the issuer (STS's own JWKS fetches excluded). */
  actionIssuerRequests(): string[];
  /** Connections both listeners have accepted so far: a test that promises no request compares two readings. */
  connections(): number;
  /** AssumeRoleWithWebIdentity calls STS has received so far (refreshes, for the credential-cache tests). */
  assumeCalls(): number;
  /** Back to a well-behaved issuer and STS with nothing recorded: for beforeEach. */
  reset(): void;
  close(): Promise<void>;
}

/** Every pair of fakes started in this test file, for the leak check after each test. */
export const startedFakes: Fakes[] = [];

export async function startFakes(options: { issuer?: LocalIssuerOptions; sts?: Omit<LocalStsOptions, 'trustedIssuer'> } = {}): Promise<Fakes> {
  const issuer = await startLocalIssuer(options.issuer);
  const sts = await startLocalSts({
    ...options.sts,
    trustedIssuer: { url: issuer.url, jwksUrl: `${issuer.url}/.well-known/jwks`, audiences: ['sts.amazonaws.com'] },
  });
  const fakes: Fakes = {
    issuer,
    sts,
    inputs: { 'role-to-assume': ROLE_ARN, 'aws-region': 'us-east-1', 'oidc-issuer': issuer.url },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
      AWS_ENDPOINT_URL_STS: sts.url,
    },
    actionIssuerRequests: () => issuer.requests.filter((r) => r.userAgent !== 'keyless-local-sts').map((r) => r.path),
    connections: () => issuer.connections + sts.connections,
    assumeCalls: () => sts.calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity').length,
    reset: () => {
      sts.calls.length = 0;
      sts.issued.clear();
      sts.script();
      sts.setDefault({ kind: 'ok' });
      sts.setThrottleRate(0);
      issuer.setFault('ok');
      issuer.setRunnerTokenOptions({});
      issuer.scriptTokenEndpoint();
      issuer.requests.length = 0;
    },
    close: async () => {
      await Promise.all([issuer.close(), sts.close()]);
    },
  };
  startedFakes.push(fakes);
  return fakes;
}

/**
 * Every secret a run handled: issued credentials, the OIDC tokens STS received and, given the
 * issuer, the tokens it handed out and the runner's token-request bearer.
 */
export function handledSecrets(sts: LocalSts, issuer?: LocalIssuer): string[] {
  const secrets: string[] = issuer ? [issuer.requestToken, ...issuer.issuedTokens] : [];
  for (const c of sts.issued.values()) secrets.push(c.accessKeyId, c.secretAccessKey, c.sessionToken);
  for (const call of sts.calls) if (call.params.WebIdentityToken) secrets.push(call.params.WebIdentityToken);
  return secrets;
}
