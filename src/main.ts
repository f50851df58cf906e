/**
 * The pipeline: inputs → token → verify → assume → export. Each stage is its own module; this
 * file only orders them, applies the overall deadline and turns failures into messages.
 */
import { KeylessError, show } from './errors.js';
import { parseSettings, type Env, type RoleArn, type Settings } from './settings.js';
import { proxyAgents, proxyFrom } from './http.js';
import { ensureRunnerCanIssueTokens, readTokenFile, requestRunnerToken } from './oidc/request.js';
import { fetchIssuerKeys, verifyToken, type Claims } from './oidc/verify.js';
import { findFailedClaimRule } from './oidc/claim-rules.js';
import { assumeRoleWithWebIdentity, describe, preloadSts, StsFailure, type AssumedRole } from './aws/assume.js';
import { classifyStsError, hintFor } from './aws/sts-errors.js';
import { explainAccessDenied } from './aws/explain.js';
import { applyExport, planExport } from './aws/export.js';
import type { RetryPolicy } from './aws/retry.js';
import type { ActionIO } from './runner.js';
import { renderSummary } from './summary.js';
import { checkTrustPolicy, explainWithTrustPolicy, loadTrustPolicy, type LoadedTrustPolicy } from './trust-check.js';

export async function run(io: ActionIO, env: Env): Promise<void> {
  const startedAt = Date.now();
  try {
    const settings = parseSettings((name) => io.getInput(name), env);
    await withDeadline(startedAt + settings.actionTimeoutMs, settings, (deadline) => pipeline(io, env, settings, deadline));
  } catch (error) {
    io.fail(failureMessage(error));
  }
}

interface Deadline {
  readonly at: number;
  readonly expired: () => boolean;
}

async function withDeadline(at: number, settings: Settings, work: (deadline: Deadline) => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(
        new KeylessError('action-timeout', `Gave up after ${settings.actionTimeoutMs / 1000} s (input action-timeout-s); nothing was exported.`, [
          'A service did not answer in time: see the log lines above for the stage that was running.',
        ]),
      );
    }, at - Date.now());
  });
  try {
    await Promise.race([work({ at, expired: () => expired }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const ms = (value: number) => value.toFixed(1);

async function pipeline(io: ActionIO, env: Env, settings: Settings, deadline: Deadline): Promise<void> {
  const pipelineStartedAt = performance.now();
  const agents = proxyAgents(proxyFrom({ proxy: settings.httpProxy, noProxy: settings.noProxy }, env));
  const retry: RetryPolicy = { maxAttempts: settings.retryMaxAttempts, baseDelayMs: 500, maxDelayMs: 5000, deadline: deadline.at };
  const timeoutMs = settings.requestTimeoutMs;
  if (!settings.webIdentityTokenFile) await ensureRunnerCanIssueTokens(env);
  // The trust policy file is an input too: a broken one fails before any request.
  const trustPolicy = settings.trustPolicyFile ? await loadTrustPolicy(settings.trustPolicyFile, settings.audience, io) : undefined;
  // Load the SDK while the token and keys are on the wire; a load failure surfaces at the STS call.
  preloadSts().catch(() => undefined);

  // The token and the issuer's keys do not depend on each other: fetch both at once.
  const tokenPromise = (async () => {
    const token = settings.webIdentityTokenFile
      ? await readTokenFile(settings.webIdentityTokenFile)
      : await requestRunnerToken(env, { audience: settings.audience, timeoutMs, retry, onRetry: (m) => io.info(m) });
    // Masked before anything else can print it.
    io.setSecret(token);
    return token;
  })();
  const keysPromise = fetchIssuerKeys({ issuer: settings.oidcIssuer, timeoutMs, retry, agents });
  // Whichever fails first is reported; the other must not become an unhandled rejection.
  keysPromise.catch(() => undefined);
  const token = await tokenPromise;
  const keys = await keysPromise;
  const tokenAndKeysAt = performance.now();

  const claims = await verifyToken(token, {
    issuer: settings.oidcIssuer,
    audience: settings.audience,
    keys,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  io.info(`Verified OIDC token: sub ${show(claims.sub)}, issuer ${show(claims.iss)}, audience ${show(settings.audience)}`);

  const failed = findFailedClaimRule(settings.claimRules, claims);
  if (failed) {
    throw new KeylessError(
      'claim-rule-failed',
      `OIDC token rejected before calling STS: require-claims rule ${show(failed.rule.source)} does not hold: expected ${failed.rule.claim} to match ${failed.rule.patterns.map((p) => show(p)).join(' or ')}, token has ${show(failed.actual)}`,
    );
  }

  const role = selectRole(settings, claims);
  if (trustPolicy) await checkTrustPolicy(trustPolicy, claims, role, io);

  let assumed: AssumedRole;
  try {
    assumed = await assumeRoleWithWebIdentity({ role, token, settings, retry, agents, onRetry: (m) => io.info(m) });
  } catch (error) {
    if (error instanceof StsFailure) throw await stsFailureError(error, settings, role, claims, trustPolicy);
    throw error;
  }

  if (deadline.expired()) return;
  const assumedAt = performance.now();
  const plan = planExport(settings, assumed);
  try {
    io.checkWritable();
  } catch (error) {
    throw new KeylessError('export-failed', `Could not write the runner's environment or output file: ${(error as Error).message}; nothing was exported.`, [
      'Check that GITHUB_ENV and GITHUB_OUTPUT point at writable files (self-hosted runners: disk space and permissions).',
    ]);
  }
  applyExport(plan, io);
  // performance.now() counts from process start: module loading shows as the first figure.
  io.debug(
    `timing: pipeline started ${ms(pipelineStartedAt)}, token and keys ${ms(tokenAndKeysAt)}, STS ${ms(assumedAt)}, exported ${ms(performance.now())} (ms since process start)`,
  );

  const account = settings.maskAccountId ? '***' : assumed.account;
  io.info(
    `Assumed ${role.arn} as session ${show(settings.roleSessionName)} (account ${account}); credentials valid until ${assumed.expiration.toISOString()}` +
      (assumed.attempts > 1 ? ` after ${assumed.attempts} attempts` : ''),
  );
  if (settings.jobSummary) {
    try {
      await io.writeSummary(renderSummary({ settings, role, assumed, claims }));
    } catch (error) {
      io.warning(`Could not write the job summary: ${(error as Error).message}`);
    }
  }
}

function selectRole(settings: Settings, claims: Claims): RoleArn {
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
  const f = failure.facts;
  const kind = classifyStsError(f);
  const attempts = `${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'}`;
  const requestId = f.requestId ? ` (request id ${f.requestId})` : '';
  const what = `STS AssumeRoleWithWebIdentity for ${role.arn}`;
  switch (kind) {
    case 'access-denied':
      return new KeylessError('sts-access-denied', `${what} was denied: ${f.name}: ${f.message}${requestId}`, [
        ...explainAccessDenied(claims, { audience: settings.audience, roleArn: role.arn, partition: role.partition, account: role.account }),
        ...(trustPolicy ? await explainWithTrustPolicy(trustPolicy, claims) : []),
      ]);
    case 'timeout':
      return new KeylessError(
        'sts-timeout',
        `${what} got no answer: ${attempts}, each with a ${settings.requestTimeoutMs / 1000} s timeout${failure.stoppedByDeadline ? ', until action-timeout-s' : ''}.`,
        ['Check network access to STS (firewall, proxy: inputs http-proxy / no-proxy) and sts-endpoint / AWS_ENDPOINT_URL_STS.'],
      );
    case 'throttled':
    case 'idp-unavailable':
    case 'server-error':
    case 'network':
      return new KeylessError(
        'sts-unavailable',
        `${what} failed after ${attempts}${failure.stoppedByDeadline ? ' (stopped by action-timeout-s)' : ''}: ${describe(f)}${requestId}`,
        ['This kind of error can clear on its own: re-run the job, or raise retry-max-attempts.'],
      );
    case 'bad-response':
      return new KeylessError('sts-bad-response', `${what} got a response that is not valid STS XML: ${f.message}; nothing was exported.`, [
        'Check sts-endpoint / AWS_ENDPOINT_URL_STS and any proxy in between.',
      ]);
    default:
      return new KeylessError(
        'sts-rejected',
        `${what} failed: ${describe(f)}${requestId}. Not retried: this error cannot succeed on a later attempt.`,
        hintFor(f, { issuer: String(claims.iss), audience: settings.audience, durationSeconds: settings.roleDurationSeconds }),
      );
  }
}

export function failureMessage(error: unknown): string {
  if (error instanceof KeylessError) return [error.message, ...error.details].join('\n');
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `Unexpected error (a bug in Keyless; please report it with this log): ${detail}`;
}

