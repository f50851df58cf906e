// The loopback STS's input checks, with the real service's error codes and messages, and its
// id formats (AROA…, ASIA…). Pure.
import { createHash, randomBytes } from 'node:crypto';
import { errors as joseErrors } from 'jose';
import { QueryError as StsError } from './aws-query.js';

const DEFAULT_DURATION_SECONDS = 3600;
const SENSITIVE_VALUE = '*** Sensitive Data Redacted ***';
const CANNOT_FETCH_KEYS =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

export const validationError = (message: string) => new StsError(400, 'ValidationError', message);
export const invalidIdentityToken = (message: string) => new StsError(400, 'InvalidIdentityToken', message);

export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
}

/** The service's input validation, with its message format ("N validation errors detected: …"). */
export function validateAssumeRoleInput(params: Record<string, string>, required: { webIdentityToken: boolean }): AssumeRoleInput {
  const problems: string[] = [];
  const describe = (value: string | undefined, member: string, constraint: string, sensitive = false) =>
    `Value ${value === undefined ? 'null' : `'${sensitive ? SENSITIVE_VALUE : value}'`} at '${member}' failed to satisfy constraint: ${constraint}`;

  const roleArn = params['RoleArn'];
  if (roleArn === undefined) problems.push(describe(roleArn, 'roleArn', 'Member must not be null'));
  else if (roleArn.length < 20) problems.push(describe(roleArn, 'roleArn', 'Member must have length greater than or equal to 20'));
  else if (roleArn.length > 2048) problems.push(describe(roleArn, 'roleArn', 'Member must have length less than or equal to 2048'));

  const sessionName = params['RoleSessionName'];
  if (sessionName === undefined) problems.push(describe(sessionName, 'roleSessionName', 'Member must not be null'));
  else if (sessionName.length < 2) problems.push(describe(sessionName, 'roleSessionName', 'Member must have length greater than or equal to 2'));
  else if (sessionName.length > 64) problems.push(describe(sessionName, 'roleSessionName', 'Member must have length less than or equal to 64'));
  else if (!/^[\w+=,.@-]*$/.test(sessionName)) {
    problems.push(describe(sessionName, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*'));
  }

  if (required.webIdentityToken) {
    const token = params['WebIdentityToken'];
    if (token === undefined) problems.push(describe(token, 'webIdentityToken', 'Member must not be null'));
    else if (token.length < 4) problems.push(describe(token, 'webIdentityToken', 'Member must have length greater than or equal to 4', true));
    else if (token.length > 20000) problems.push(describe(token, 'webIdentityToken', 'Member must have length less than or equal to 20000', true));
  }

  const durationText = params['DurationSeconds'];
  const durationSeconds = durationText === undefined ? DEFAULT_DURATION_SECONDS : Number(durationText);
  if (!Number.isInteger(durationSeconds)) problems.push(describe(durationText, 'durationSeconds', 'Member must be an integer'));
  else if (durationSeconds < 900) problems.push(describe(durationText, 'durationSeconds', 'Member must have value greater than or equal to 900'));
  else if (durationSeconds > 43200) problems.push(describe(durationText, 'durationSeconds', 'Member must have value less than or equal to 43200'));

  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 validation error detected' : `${problems.length} validation errors detected`;
    throw validationError(`${count}: ${problems.join('; ')}`);
  }
  return { roleArn: roleArn as string, roleSessionName: sessionName as string, durationSeconds };
}

/** Session policy inputs (Policy, PolicyArns.member.N.arn); returns the PackedPolicySize to report. */
export function validateSessionPolicy(params: Record<string, string>): { packedPolicySize: number } | undefined {
  const policy = params['Policy'];
  const policyArns = Object.entries(params)
    .filter(([key]) => /^PolicyArns\.member\.\d+\.arn$/.test(key))
    .map(([, value]) => value);
  if (policy === undefined && policyArns.length === 0) return undefined;

  if (policy !== undefined) {
    if (policy.length > 2048) {
      throw validationError("1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048");
    }
    try {
      JSON.parse(policy);
    } catch {
      throw new StsError(400, 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    }
  }
  if (policyArns.length > 10) {
    throw validationError("1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10");
  }
  for (const arn of policyArns) {
    if (!/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/.test(arn)) throw validationError(`${arn} is invalid`);
  }
  // STS compresses policies into the session token; this is a rough stand-in for its percentage.
  const packedBytes = (policy?.replace(/\s+/g, '').length ?? 0) + policyArns.length * 48;
  const packedPolicySize = Math.max(1, Math.ceil((packedBytes / 2048) * 100));
  if (packedPolicySize > 100) {
    throw new StsError(
      400,
      'PackedPolicyTooLarge',
      `Packed policy consumes ${packedPolicySize}% of allotted space, please use smaller policy for session.`,
    );
  }
  return { packedPolicySize };
}

export interface RoleArn {
  arn: string;
  partition: string;
  account: string;
  /** Last path segment: arn:aws:iam::123456789012:role/path/to/Name → Name */
  name: string;
}

export function parseRoleArn(arn: string): RoleArn | undefined {
  const match = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/((?:[\x21-\x7e]+\/)*)([\w+=,.@-]{1,64})$/.exec(arn);
  if (match === null) return undefined;
  return { arn, partition: match[1] as string, account: match[2] as string, name: match[4] as string };
}

/** A role's unique id is stable (AROA + 17 characters); derive it from the ARN so it is too. */
export function roleId(roleArn: string): string {
  return `AROA${base32(createHash('sha256').update(roleArn).digest()).slice(0, 17)}`;
}

export function randomBase32(length: number): string {
  return base32(randomBytes(length)).slice(0, length);
}

/** AWS key ids use the RFC 4648 base32 alphabet (upper case and 2-7). */
function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return output;
}

export function tokenVerificationError(error: unknown): StsError {
  if (error instanceof joseErrors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? error.payload.exp : 0;
    return new StsError(
      400,
      'ExpiredTokenException',
      `Token expired: current date/time ${Math.floor(Date.now() / 1000)} must be before the expiration date/time ${exp}`,
    );
  }
  // jose reports a non-200 or non-JSON JWKS answer with its generic error code.
  const keysUnavailable =
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    (error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
  if (keysUnavailable) {
    return invalidIdentityToken(CANNOT_FETCH_KEYS);
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return invalidIdentityToken(`The web identity token's ${error.claim} claim is not valid: ${error.message}`);
  }
  if (error instanceof joseErrors.JOSEError) {
    // Bad signature, unknown kid, disallowed alg (none, HS256), malformed JWS.
    return invalidIdentityToken('The web identity token signature could not be verified');
  }
  // fetch() failures (connection refused, non-JSON body) surface as plain errors.
  return invalidIdentityToken(CANNOT_FETCH_KEYS);
}
