/**
 * OIDC token → local verification → claim rules → role → STS AssumeRoleWithWebIdentity.
 * Shared by the action and the credential-process program, so a refresh checks exactly what the
 * first assumption checked. Turns STS failures into messages; never prints a secret.
 */
import { KeylessError, show } from '../shared/errors.js';
import type { RoleArn, Settings } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import { proxyAgents, proxyFrom, type HttpAgents } from '../shared/http.js';
import { connectionPool, type ConnectionPool } from '../shared/connections.js';
import { requestRunnerToken, runnerTokenEndpoint } from '../token/runner-endpoint.js';
import { readTokenFile } from '../token/file.js';
import type { Claims } from '../verify/token.js';
import type { JSONWebKeySet } from 'jose';
import { jobIssuerKeys } from '../verify/job-keys.js';
import { jobKeyStore } from '../job/key-store.js';
import { findFailedClaimRule } from '../verify/claim-rules.js';
import { assumeRoleWithWebIdentity, StsFailure, stsOrigin, warmUpSts, type AssumedRole } from './sts.js';
import { stsFailureMessage } from './failure-message.js';
import { sharedFilesSetStsEndpoint } from './shared-config.js';
import { classifyStsError, hintFor } from './sts-errors.js';
import { explainAccessDenied } from './explain.js';
import { checkLifetime } from './lifetime.js';
import { DEFAULT_BACKOFF, type RetryPolicy } from '../shared/retry.js';
import type { Deadline } from '../shared/deadline.js';
import type { Logger } from '../shared/ports.js';
import { checkTrustPolicy, explainWithTrustPolicy, loadTrustPolicy, type LoadedTrustPolicy } from '../verify/trust-policy.js';

export interface PipelineHooks extends Logger {
  /** Called with the token before anything else can print it. */
  setSecret(value: string): void;
}

export interface WebIdentityResult {
  readonly token: string;
  readonly claims: Claims;
  readonly role: RoleArn;
  readonly assumed: AssumedRole;
  /** performance.now() when the token and the issuer's keys were in. */
  readonly tokenAndKeysAt: number;
}

// jose and the verification code are needed only once the token is in: they load with the SDK,
// while the requests are on the wire, not before the requests leave.
let verifier: Promise<typeof import('../verify/token.js')> | undefined;
const loadVerifier = () => (verifier ??= import('../verify/token.js'));

/** Stages stop retrying this long before action-timeout-s, so they end with their own, specific error. */
const STAGE_MARGIN_MS = 1000;

export function retryPolicy(settings: Settings, deadline: Deadline): RetryPolicy {
  return { maxAttempts: settings.retryMaxAttempts, ...DEFAULT_BACKOFF, deadline: deadline.at - STAGE_MARGIN_MS };
}

export function agentsFor(settings: Settings, context: RunContext): HttpAgents {
  return proxyAgents(proxyFrom({ proxy: settings.httpProxy, noProxy: settings.noProxy }, context.proxy), context.nodeVersion);
}

export interface PipelineOptions {
  /** Work to start while the token and keys are on the wire (loading what comes after): called once the connections' first bytes left. */
  readonly whileWaiting?: () => void;
}

export async function assumeWithWebIdentity(settings: Settings, context: RunContext, deadline: Deadline, hooks: PipelineHooks, options: PipelineOptions = {}): Promise<WebIdentityResult> {
  const proxied = agentsFor(settings, context);
  // Through a proxy, connections go where the proxy takes them: none is opened ahead.
  const pool = proxied.proxy ? undefined : connectionPool();
  try {
    return await assumeOnConnections(settings, context, deadline, hooks, pool?.agents ?? proxied, pool, options);
  } finally {
    pool?.close();
  }
}

async function assumeOnConnections(
  settings: Settings,
  context: RunContext,
  deadline: Deadline,
  hooks: PipelineHooks,
  agents: HttpAgents,
  pool: Pick<ConnectionPool, 'open' | 'secure' | 'sent'> | undefined,
  options: PipelineOptions,
): Promise<WebIdentityResult> {
  const retry = retryPolicy(settings, deadline);
  const timeoutMs = settings.requestTimeoutMs;
  // Everything that can be checked locally is, before the first request of any kind.
  const fileToken = settings.webIdentityTokenFile ? await readTokenFile(settings.webIdentityTokenFile) : undefined;
  if (fileToken) {
    hooks.setSecret(fileToken);
    (await loadVerifier()).refuseOtherIssuer(fileToken, settings.oidcIssuer);
  } else {
    runnerTokenEndpoint(context);
  }
  const trustPolicy = settings.trustPolicyFile ? await loadTrustPolicy(settings.trustPolicyFile, { audience: settings.audience, issuer: settings.oidcIssuer }, hooks) : undefined;

  // Kept for the job under RUNNER_TEMP: a later invocation or a refresh skips discovery and the JWKS.
  const issuerKeys = jobIssuerKeys({ issuer: settings.oidcIssuer, timeoutMs, retry, agents, onRetry: (m) => hooks.info(m) }, jobKeyStore(context.runnerTemp), {
    debug: (m) => hooks.debug(m),
    keepLater: true,
  });
  // Every handshake at once, the first thing after the local checks: STS's connection is open by
  // the time the token is verified, and only then carries it. Two to the issuer, for discovery
  // and the JWKS in parallel (Node's client sends one request at a time on a connection).
  const sharedFiles = { configFile: context.aws.configFile, credentialsFile: context.aws.variables['AWS_SHARED_CREDENTIALS_FILE'] };
  const stsEndpoint = stsOrigin(settings, context, !settings.stsEndpoint && sharedFilesSetStsEndpoint(sharedFiles));
  if (pool) {
    if (!fileToken) pool.open(runnerTokenEndpoint(context).url);
    if (!issuerKeys.keptAreFresh()) pool.open(settings.oidcIssuer, 2);
    if (stsEndpoint) pool.open(stsEndpoint);
    await pool.secure();
  }
  const connectionsSent = pool?.sent();
  // The token and the issuer's keys do not depend on each other: fetch both at once.
  const tokenPromise = (async () => {
    if (fileToken) return fileToken;
    const token = await requestRunnerToken(context, { audience: settings.audience, timeoutMs, retry, agents, onRetry: (m) => hooks.info(m) });
    // Masked before anything else can print it.
    hooks.setSecret(token);
    return token;
  })();
  const fetchKeys = issuerKeys.refresh;
  const keysPromise = issuerKeys.current();
  // Whichever fails first is reported; the other must not become an unhandled rejection.
  keysPromise.catch(() => undefined);
  // Load the verifier while the token and keys are on the wire: only once the handshakes have
  // begun, since evaluating it holds the event loop. The SDK is needed only where Keyless cannot
  // name the STS endpoint itself (FIPS, dual-stack, other partitions): then it warms up here too.
  void (connectionsSent ?? Promise.resolve()).then(() =>
    setImmediate(() => {
      loadVerifier().then((verifier) => verifier.warmUpVerification(), () => undefined);
      if (!stsEndpoint) warmUpSts(settings).catch(() => undefined);
      options.whileWaiting?.();
    }),
  );
  try {
    return await verifyAndAssume(settings, hooks, { tokenPromise, keysPromise, fetchKeys, trustPolicy, retry, agents, stsEndpoint, keepKeys: issuerKeys.keepFetched });
  } finally {
    // Whatever happened, keys that arrived are kept for the next invocation (a no-op once done).
    issuerKeys.keepFetched();
  }
}

interface Arrivals {
  readonly tokenPromise: Promise<string>;
  readonly keysPromise: Promise<JSONWebKeySet>;
  readonly fetchKeys: () => Promise<JSONWebKeySet>;
  readonly trustPolicy: LoadedTrustPolicy | undefined;
  readonly retry: RetryPolicy;
  readonly agents: HttpAgents;
  readonly stsEndpoint: string | undefined;
  /** Writes the fetched keys to the job's store: called once the STS request is on its way. */
  readonly keepKeys: () => void;
}

async function verifyAndAssume(settings: Settings, hooks: PipelineHooks, arrivals: Arrivals): Promise<WebIdentityResult> {
  const { fetchKeys, trustPolicy, retry, agents, stsEndpoint } = arrivals;
  const token = await arrivals.tokenPromise;
  const keys = await arrivals.keysPromise;
  const tokenAndKeysAt = performance.now();

  const { verifyToken } = await loadVerifier();
  const claims = await verifyToken(token, {
    issuer: settings.oidcIssuer,
    audience: settings.audience,
    keys,
    nowSeconds: Math.floor(Date.now() / 1000),
    // Right after a key rotation, keys fetched a moment ago can lack the token's kid: one more fetch.
    refreshKeys: fetchKeys,
  });
  hooks.info(`Verified OIDC token: sub ${show(claims.sub)}, issuer ${show(claims.iss)}, audience ${show(settings.audience)}`);

  const failed = findFailedClaimRule(settings.claimRules, claims);
  if (failed) {
    throw new KeylessError(
      'claim-rule-failed',
      `OIDC token rejected before calling STS: require-claims rule ${show(failed.rule.source)} does not hold: expected ${failed.rule.claim} to match ${failed.rule.patterns.map((p) => show(p)).join(' or ')}, token has ${show(failed.actual)}`,
    );
  }

  const role = selectRole(settings, claims);
  if (trustPolicy) await checkTrustPolicy(trustPolicy, claims, role, hooks);

  try {
    const assumeOnce = () => {
      const answer = assumeRoleWithWebIdentity({ role, token, settings, retry, agents, endpoint: stsEndpoint, onRetry: (m) => hooks.info(m) });
      // The request has left by the next turn of the event loop: the keys are written while STS answers.
      setImmediate(arrivals.keepKeys);
      return answer;
    };
    const assumed = settings.specialCharactersWorkaround
      ? await (await import('./special-characters.js')).assumeWithoutSpecialCharacters(assumeOnce, (m) => hooks.info(m))
      : await assumeOnce();
    checkCredentialLifetime(assumed, settings, hooks, typeof claims.iat === 'number' ? claims.iat : undefined);
    return { token, claims, role, assumed, tokenAndKeysAt };
  } catch (error) {
    if (error instanceof StsFailure) throw await stsFailureError(error, settings, role, claims, trustPolicy);
    throw error;
  }
}

/** Credentials that expire far sooner than asked for: an error when unusable, else a warning. */
export function checkCredentialLifetime(assumed: AssumedRole, settings: Settings, log: Logger, tokenIssuedAt?: number): void {
  const problem = checkLifetime({ expiration: assumed.expiration, requestedSeconds: settings.roleDurationSeconds, nowMs: Date.now(), tokenIssuedAt });
  if (problem?.severity === 'error') throw new KeylessError('credentials-expiring', problem.message);
  if (problem) log.warning(problem.message);
}

export function selectRole(settings: Settings, claims: Claims): RoleArn {
  if (settings.role) return settings.role;
  const environment = claims.environment;
  const listed = [...settings.roleByEnvironment.keys()].map((e) => show(e)).join(', ');
  if (typeof environment !== 'string' || environment === '') {
    throw new KeylessError(
      'role-not-selected',
      `role-by-environment: the token has no environment claim, so no role is chosen (listed: ${listed}); STS was not called.`,
      ['Run the job in a GitHub environment (jobs.<id>.environment) that role-by-environment lists.'],
    );
  }
  const role = settings.roleByEnvironment.get(environment);
  if (!role) {
    throw new KeylessError(
      'role-not-selected',
      `role-by-environment: the token's environment ${show(environment)} is not listed (listed: ${listed}); STS was not called.`,
    );
  }
  return role;
}

async function stsFailureError(
  failure: StsFailure,
  settings: Settings,
  role: RoleArn,
  claims: Claims,
  trustPolicy: LoadedTrustPolicy | undefined,
): Promise<KeylessError> {
  const accessDenied =
    classifyStsError(failure.facts) === 'access-denied'
      ? [
          ...explainAccessDenied(claims, { audience: settings.audience, roleArn: role.arn, partition: role.partition, account: role.account }),
          ...(trustPolicy ? await explainWithTrustPolicy(trustPolicy, claims) : []),
        ]
      : [];
  return stsFailureMessage(failure, {
    what: `STS AssumeRoleWithWebIdentity for ${role.arn}`,
    requestTimeoutMs: settings.requestTimeoutMs,
    accessDenied,
    rejected: hintFor(failure.facts, { issuer: String(claims.iss), audience: settings.audience, durationSeconds: settings.roleDurationSeconds }),
  });
}
