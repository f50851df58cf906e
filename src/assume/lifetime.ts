/**
 * Credentials that are about to expire: STS never issues a session shorter than 900 s, so an
 * Expiration much sooner than requested means a clock problem or something between us and STS.
 * Pure: it compares the Expiration with the runner's clock and with the OIDC token's iat
 * (GitHub's clock, moments ago) to say which.
 */

/** Below this, later steps could not use the credentials at all: an error, nothing is exported. */
export const UNUSABLE_BELOW_SECONDS = 60;
/** A session at least this much shorter than requested (and at least 10 % shorter) gets a warning. */
export const SHORTER_THAN_ASKED_SECONDS = 120;
/** A token iat further than this from the runner's clock means the clock is off. */
const CLOCK_SKEW_SECONDS = 60;

export interface LifetimeFacts {
  readonly expiration: Date;
  readonly requestedSeconds: number;
  readonly nowMs: number;
  /** iat of the OIDC token used (seconds), when there was one. */
  readonly tokenIssuedAt?: number;
}

export interface LifetimeProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (Math.abs(s) < 120) return `${s} s`;
  const minutes = Math.round(s / 60);
  return Math.abs(minutes) < 120 ? `${minutes} min` : `${(s / 3600).toFixed(1)} h`;
}

function likelyCause(facts: LifetimeFacts): string {
  if (facts.tokenIssuedAt !== undefined) {
    const skew = facts.nowMs / 1000 - facts.tokenIssuedAt;
    if (skew > CLOCK_SKEW_SECONDS) return `the runner's clock is about ${duration(skew)} ahead of GitHub's (the OIDC token says it was issued then): fix the runner's time (NTP)`;
    if (skew < -CLOCK_SKEW_SECONDS) return `the runner's clock is about ${duration(-skew)} behind GitHub's: fix the runner's time (NTP)`;
  }
  return 'the runner\'s clock is off, or the STS endpoint (sts-endpoint / AWS_ENDPOINT_URL_STS) or a proxy in between caps sessions';
}

export function checkLifetime(facts: LifetimeFacts): LifetimeProblem | undefined {
  const remaining = (facts.expiration.getTime() - facts.nowMs) / 1000;
  const when = `${facts.expiration.toISOString()}, in ${duration(remaining)}, though role-duration-seconds asked for ${facts.requestedSeconds} s`;
  if (remaining < UNUSABLE_BELOW_SECONDS) {
    return { severity: 'error', message: `STS issued credentials that expire at ${when}; nothing was exported. Likely cause: ${likelyCause(facts)}.` };
  }
  const shortfall = facts.requestedSeconds - remaining;
  if (shortfall >= SHORTER_THAN_ASKED_SECONDS && shortfall >= facts.requestedSeconds * 0.1) {
    return { severity: 'warning', message: `The credentials expire at ${when}. Likely cause: ${likelyCause(facts)}.` };
  }
  return undefined;
}
