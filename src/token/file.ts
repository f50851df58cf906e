/** The OIDC token from a file (input web-identity-token-file), e.g. a Kubernetes projected token. */
import { readFile } from 'node:fs/promises';
import { inputProblem, KeylessError } from '../shared/errors.js';

export async function readTokenFile(path: string): Promise<string> {
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token === '') throw new Error('the file is empty');
    return token;
  } catch (error) {
    throw new KeylessError(
      'token-file-unreadable',
      `Invalid input: ${inputProblem('web-identity-token-file', path, `a readable file holding the OIDC token; ${(error as Error).message}`)}`,
    );
  }
}
