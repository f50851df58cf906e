/** The overall time limit (input action-timeout-s) around a whole run of the pipeline. */
import { KeylessError } from './errors.js';

export interface Deadline {
  /** Epoch ms. */
  readonly at: number;
  readonly expired: () => boolean;
}

export async function withDeadline(at: number, timeoutMs: number, work: (deadline: Deadline) => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(
        new KeylessError('action-timeout', `Gave up after ${timeoutMs / 1000} s (input action-timeout-s); nothing was exported.`, [
          'A service did not answer in time: see the log lines above for the stage that was running.',
        ]),
      );
    }, at - Date.now());
  });
  try {
    await Promise.race([work({ at, expired: () => expired }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A failure as the user reads it: our own errors as written, anything else flagged as a bug. */
export function failureMessage(error: unknown): string {
  if (error instanceof KeylessError) return [error.message, ...error.details].join('\n');
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `Unexpected error (a bug in Keyless; please report it with this log): ${detail}`;
}
