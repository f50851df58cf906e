// The loopback STS's interface: the behaviours a test can script, what it records, what it issues.
export type StsBehaviour =
  | { kind: 'ok' }
  | { kind: 'error'; status: number; code: string; message: string; type?: 'Sender' | 'Receiver' }
  /** Accept the connection, read the request, never answer. */
  | { kind: 'hang' }
  /** Destroy the socket after reading the request (ECONNRESET). */
  | { kind: 'reset' }
  /** Write the headers and part of the body, then destroy the socket. */
  | { kind: 'reset-mid-response' }
  | { kind: 'raw'; status: number; body: string; contentType?: string }
  /** Answer as 'ok' after a delay. */
  | { kind: 'slow'; delayMs: number }
  /** As 'ok', but the credentials' Expiration is in the past. */
  | { kind: 'expired-credentials' }
  /** As 'ok', but the credentials expire this many seconds from now, whatever was asked for. */
  | { kind: 'short-lived-credentials'; expiresInSeconds: number };

export interface StsCall {
  action: string;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  at: number;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** The assumed-role ARN: arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION */
  arn: string;
  account: string;
  /** AROA…:SESSION */
  assumedRoleId: string;
  roleArn: string;
  roleSessionName: string;
  issuedBy: 'AssumeRoleWithWebIdentity' | 'AssumeRole';
}

export interface LocalSts {
  /** http://127.0.0.1:PORT (use as AWS_ENDPOINT_URL_STS / endpoint). */
  readonly url: string;
  /** Every request, including those that then hang or fail. */
  readonly calls: StsCall[];
  /** Behaviours for the next calls in order; once used up, the default applies. No arguments: forget what is left. */
  script(...behaviours: StsBehaviour[]): void;
  setDefault(behaviour: StsBehaviour): void;
  /** Answer Throttling to this fraction of calls at random (0..1); checked before the script. */
  setThrottleRate(rate: number, random?: () => number): void;
  /** TCP connections accepted so far: tests that promise "no request" count these. */
  readonly connections: number;
  /** Credentials issued so far, by access key id. */
  readonly issued: Map<string, IssuedCredentials>;
  close(): Promise<void>;
}

export interface TrustedIssuer {
  url: string;
  jwksUrl: string;
  /** Accepted `aud` values (the IAM OIDC provider's client IDs); absent = any. */
  audiences?: string[];
  /** How long fetched keys are reused; default 0 = fetch on every call, so rotation and faults apply at once. */
  jwksCacheMs?: number;
}

export interface LocalStsOptions {
  /** Verify the web identity token against this issuer's JWKS and audiences, like real STS. */
  trustedIssuer?: TrustedIssuer;
  /** May these claims assume the role? false → 403 AccessDenied. Default: allow. */
  authorize?: (claims: Record<string, unknown>, roleArn: string) => boolean;
  /** May this assumed-role ARN chain into roleArn with AssumeRole? Default: allow. */
  authorizeAssumeRole?: (callerArn: string, roleArn: string) => boolean;
  /**
   * AssumeRole refuses session tags whose keys and values together exceed this many characters
   * (PackedPolicyTooLarge), standing in for STS's packed-size limit. Default: no limit.
   */
  maxPackedTagCharacters?: number;
}

