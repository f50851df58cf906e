/**
 * Every failure the action reports on purpose is a KeylessError: a stable code (the key of the
 * README troubleshooting section), a message a user can act on, and optional detail lines.
 * Anything else reaching the top level is a bug and is reported as such.
 */
export const ERROR_CODES = [
  'invalid-input',
  'token-permission-missing',
  'token-request-failed',
  'token-file-unreadable',
  'issuer-unreachable',
  'token-rejected',
  'claim-rule-failed',
  'trust-policy-denied',
  'role-not-selected',
  'sts-access-denied',
  'sts-rejected',
  'sts-unavailable',
  'sts-timeout',
  'sts-bad-response',
  'credentials-expiring',
  'special-characters-exhausted',
  'account-not-allowed',
  'export-failed',
  'action-timeout',
  'profile-exists',
  'profile-write-failed',
  'runner-temp-missing',
  'chaining-source-missing',
  'credential-process-config',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class KeylessError extends Error {
  override readonly name = 'KeylessError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra lines printed after the message: explanations, hints; never secrets. */
    readonly details: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The one wording of an input problem, `input "NAME" (given "VALUE"): expected …`, which the
 * README's troubleshooting section is keyed by. Leave `given` out for secrets and long values.
 */
export function inputProblem(input: string, given: string | undefined, expected: string): string {
  const shown = given === undefined ? '' : ` (given ${show(given)})`;
  return `input "${input}"${shown}: expected ${expected}`;
}

/** Wraps a value for use in a message: JSON quoting shows empty strings, spaces and control characters. */
export function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  return JSON.stringify(value);
}
