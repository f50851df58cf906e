/**
 * A second local user for the hostile tests: files and links planted in the job's folder as
 * another user would leave them. Planting as someone else takes root (chown), as CI and the
 * project's machine run; elsewhere these tests are skipped, and say why.
 */
import { spawn } from 'node:child_process';
import { lchownSync, readFileSync } from 'node:fs';

/** nobody:nogroup on Debian and most Linux systems. */
export const OTHER_UID = 65534;
export const OTHER_GID = 65534;

export const IS_ROOT = typeof process.geteuid === 'function' && process.geteuid() === 0;

/** The reason printed when a test that needs a second user cannot run here. */
export const NOT_ROOT_REASON = 'skipped: planting files as another user (chown) needs root, and this test runs as a normal user';

export function skipReasonUnlessRoot(): void {
  if (!IS_ROOT) console.warn(NOT_ROOT_REASON);
}

/** Hands each path to the other user (a link itself, never what it points to). */
export function giveToOtherUser(...paths: string[]): void {
  for (const path of paths) lchownSync(path, OTHER_UID, OTHER_GID);
}

/**
 * A live process of the other user (setpriv drops root's uid, then runs sleep), to name in a
 * planted lock; returned once /proc shows the other user's uid. Stop it when done.
 */
export async function otherUsersProcess(): Promise<{ pid: number; stop: () => void }> {
  const child = spawn('setpriv', [`--reuid=${OTHER_UID}`, `--regid=${OTHER_GID}`, '--clear-groups', 'sleep', '120'], { stdio: 'ignore' });
  const stop = () => void child.kill('SIGKILL');
  for (let i = 0; i < 200; i++) {
    if (new RegExp(`^Uid:\\s+${OTHER_UID}\\s`, 'm').test(readFileSync(`/proc/${child.pid}/status`, 'utf8'))) return { pid: child.pid!, stop };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  stop();
  throw new Error('setpriv did not drop to the other user');
}
