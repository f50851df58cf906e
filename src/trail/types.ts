/** What the trail builds from CloudTrail: web-identity sessions, what they did, and failed attempts. */

export type ClientKind = 'keyless' | 'configure-aws-credentials' | 'other';

/** A session's later calls, by its access key id. */
export interface Activity {
  /** `eventSource:eventName` → number of calls. */
  readonly calls: Map<string, number>;
  reads: number;
  writes: number;
  errors: number;
  /** Source IPs of its calls (AWS services acting for it left out), at most {@link MAX_IPS}. */
  readonly ips: Set<string>;
  first?: string;
  last?: string;
}

export const MAX_IPS = 16;

export interface Session {
  readonly kind: 'web-identity' | 'chained';
  readonly time: string;
  readonly account: string | null;
  readonly region: string | null;
  readonly role: string;
  readonly subject: string;
  readonly audience: string | null;
  /** The provider without scheme, e.g. `token.actions.githubusercontent.com`. */
  readonly provider: string;
  readonly sessionName: string;
  readonly runId: string | null;
  readonly runAttempt: string | null;
  readonly repository: string | null;
  readonly environment: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly client: ClientKind;
  readonly accessKeyId: string;
  /** ISO 8601 when CloudTrail's locale string parses, else as logged. */
  readonly expiration: string | null;
  readonly eventId: string | null;
  /** For a chained session: the access key id that called AssumeRole. */
  readonly parentKey: string | null;
  activity: Activity;
  readonly chained: Session[];
}

export interface FailedAttempt {
  readonly role: string;
  readonly subject: string;
  readonly provider: string;
  readonly errorCode: string;
  count: number;
  first: string;
  last: string;
  readonly sourceIps: Set<string>;
}

export interface TrailPeriod {
  readonly since?: string;
  readonly until?: string;
}

export interface TrailResult {
  /** Web-identity sessions from GitHub providers, in time order, each with its chained sessions. */
  readonly sessions: Session[];
  readonly failed: FailedAttempt[];
  readonly counts: {
    records: number;
    skipped: number;
    files: number;
    /** Records outside --since/--until. */
    outsidePeriod: number;
    /** Web-identity sessions from providers that are not GitHub's (EKS, Cognito, …). */
    otherProviders: number;
  };
  /** First and last eventTime read in the period. */
  readonly seen: { first?: string; last?: string };
}
