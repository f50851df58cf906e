/**
 * An AWS call that failed (exit 3, not bad input), worded the same by every command that calls
 * AWS with the caller's credentials: `audit --live` and `setup aws --apply`.
 */
import { CliError } from './inputs.js';

/** Exit code 3: the input was fine, the AWS call was not. */
export class AwsCallFailed extends CliError {
  readonly exitCode = 3;
}

/** True for the SDK's "no credentials anywhere in the default chain". */
export function isMissingCredentials(error: unknown): boolean {
  return (error as { name?: string }).name === 'CredentialsProviderError';
}

/** The one wording of missing credentials; `flag` is the flag that needs them. */
export function missingCredentials(flag: string): AwsCallFailed {
  return new AwsCallFailed(
    `${flag} needs AWS credentials, and the SDK's default chain found none (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, a web identity token file, or an instance or container role); nothing was read or changed`,
  );
}

/** Any other failed call: the flag, the IAM action and IAM's own error. */
export function iamCallFailed(flag: string, action: string, code: string, message: string): AwsCallFailed {
  return new AwsCallFailed(`${flag}: IAM ${action} failed (${code}: ${message})`);
}
