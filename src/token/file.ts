/** The OIDC token from a file (input web-identity-token-file), e.g. a Kubernetes projected token. */
import { BoundedReadError, READ_LIMITS, readFileBounded } from '../shared/bounded-read.js';
import { inputProblem, KeylessError } from '../shared/errors.js';
import type { TokenFile } from '../inputs/settings.js';

/**
 * `file.input` names the input (and the variable it came from); `file.given` is the value as written.
 * Only a regular file of at most READ_LIMITS.tokenFile is read: a device or FIFO never ends.
 */
export async function readTokenFile(file: TokenFile): Promise<string> {
  try {
    const token = (await readFileBounded(file.path, { maxBytes: READ_LIMITS.tokenFile })).trim();
    if (token === '') throw new Error('the file is empty');
    return token;
  } catch (error) {
    const resolved = file.path !== file.given ? ` (resolved against GITHUB_WORKSPACE: ${file.path})` : '';
    throw new KeylessError(
      'token-file-unreadable',
      `Invalid input: ${inputProblem(file.input, file.given, `a readable file holding the OIDC token${resolved}; ${error instanceof BoundedReadError ? (error.systemMessage ?? `it ${error.problem}`) : (error as Error).message}`)}`,
    );
  }
}
