/** STS failures after retries, as messages: the same wording for every STS operation. Pure. */
import { KeylessError } from '../shared/errors.js';
import { describe, type StsFailure } from './sts.js';
import { classifyStsError } from './sts-errors.js';

export interface FailureContext {
  /** e.g. "STS AssumeRoleWithWebIdentity for arn:aws:iam::…:role/deploy" */
  readonly what: string;
  readonly requestTimeoutMs: number;
  /** What to say after an AccessDenied: the part that differs between operations. */
  readonly accessDenied: readonly string[];
  /** Hints for an error that is not retried. */
  readonly rejected: readonly string[];
}

export function stsFailureMessage(failure: StsFailure, context: FailureContext): KeylessError {
  const f = failure.facts;
  const attempts = `${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'}`;
  const requestId = f.requestId ? ` (request id ${f.requestId})` : '';
  const { what } = context;
  switch (classifyStsError(f)) {
    case 'access-denied':
      return new KeylessError('sts-access-denied', `${what} was denied: ${f.name}: ${f.message}${requestId}`, context.accessDenied);
    case 'timeout':
      return new KeylessError(
        'sts-timeout',
        failure.stoppedByDeadline
          ? `${what} got no answer before action-timeout-s ran out: ${attempts}, each with a timeout of up to ${context.requestTimeoutMs / 1000} s.`
          : `${what} got no answer: ${attempts}, each with a ${context.requestTimeoutMs / 1000} s timeout.`,
        ['Check network access to STS (firewall, proxy: inputs http-proxy / no-proxy) and sts-endpoint / AWS_ENDPOINT_URL_STS.'],
      );
    case 'throttled':
    case 'idp-unavailable':
    case 'server-error':
    case 'network':
      return new KeylessError(
        'sts-unavailable',
        `${what} failed after ${attempts}${failure.stoppedByDeadline ? ' (stopped by action-timeout-s)' : ''}: ${describe(f)}${requestId}`,
        [
          failure.stoppedByDeadline
            ? 'This kind of error can clear on its own: re-run the job, or raise action-timeout-s to leave the retries more time.'
            : failure.attempts === 1
              ? 'This kind of error can clear on its own: re-run the job; retries are off here (disable-retry, or retry-max-attempts: 1).'
              : 'This kind of error can clear on its own: re-run the job, or raise retry-max-attempts (up to 100).',
        ],
      );
    case 'bad-response':
      return new KeylessError('sts-bad-response', `${what} got a response that is not valid STS XML: ${f.message}; nothing was exported.`, [
        'Check sts-endpoint / AWS_ENDPOINT_URL_STS and any proxy in between.',
      ]);
    default:
      return new KeylessError('sts-rejected', `${what} failed: ${describe(f)}${requestId}. Not retried: this error cannot succeed on a later attempt.`, context.rejected);
  }
}
