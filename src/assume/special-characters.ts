/**
 * special-characters-workaround, as in configure-aws-credentials: some tools mishandle secret keys
 * with punctuation, so the role is assumed again until neither the key id nor the secret has any
 * of these characters. Bounded here (configure-aws-credentials never gives up). Pure.
 */
import { KeylessError } from '../shared/errors.js';
import type { AssumedRole } from './sts.js';

const SPECIAL = /[!@#$%^&*()_+\-=[\]{};':"\\|,.<>/?]/;
/**
 * A 40-character base64 secret avoids + and / only about 28 % of the time: 12 rounds would still
 * fail 2 % of runs, 40 fail about two in a million. Each round is one STS call with the same token.
 */
export const MAX_ROUNDS = 40;

export function hasSpecialCharacters(assumed: Pick<AssumedRole, 'accessKeyId' | 'secretAccessKey'>): boolean {
  return SPECIAL.test(assumed.accessKeyId) || SPECIAL.test(assumed.secretAccessKey);
}

/** Assumes until the keys are plain, or fails after MAX_ROUNDS sessions, each thrown away. */
export async function assumeWithoutSpecialCharacters(assume: () => Promise<AssumedRole>, log: (message: string) => void): Promise<AssumedRole> {
  for (let round = 1; ; round++) {
    const result = await assume();
    if (!hasSpecialCharacters(result)) return result;
    if (round >= MAX_ROUNDS) {
      throw new KeylessError('special-characters-exhausted', `special-characters-workaround: ${MAX_ROUNDS} sessions in a row had special characters in their keys; nothing was exported.`, [
        'Such keys are valid: prefer fixing the tool that mishandles them (quote the values) over this workaround.',
      ]);
    }
    log(`special-characters-workaround: the new keys hold special characters; assuming the role again (session ${round + 1} of at most ${MAX_ROUNDS})`);
  }
}
