/** Test-side helpers around the runner harness: Node binaries to run on, secret leak checks. */
import { runAction as runInHarness, type ActionRun, type RunOptions } from '../../src/local/harness.js';
export {
  ACTION_ENTRY,
  ROOT,
  commandValues,
  nodeBinaries,
  parseFileCommands,
  type ActionRun,
  type NodeBinary,
  type RunOptions,
} from '../../src/local/harness.js';

/** Runs since the last leak check (test/setup/leak-check.ts drains this after every test). */
export const recordedRuns: ActionRun[] = [];

/** The harness's runAction, recorded so that every run of every test is checked for leaks. */
export async function runAction(options: RunOptions = {}): Promise<ActionRun> {
  const run = await runInHarness(options);
  recordedRuns.push(run);
  return run;
}


/**
 * Every secret appears in the output only inside its own `::add-mask::` line, and that line
 * comes before any other line that could contain it. Returns the problems found.
 */
export function secretLeaks(run: Pick<ActionRun, 'stdout' | 'stderr'>, secrets: readonly string[]): string[] {
  const problems: string[] = [];
  for (const secret of secrets.filter((s) => s.length >= 4)) {
    if (run.stderr.includes(secret)) problems.push(`secret ${secret.slice(0, 4)}… appears on stderr`);
    const lines = run.stdout.split(/\r?\n/);
    lines.forEach((line, index) => {
      if (line.includes(secret) && line !== `::add-mask::${secret}`) {
        problems.push(`secret ${secret.slice(0, 4)}… appears unmasked on stdout line ${index + 1}`);
      }
    });
  }
  return problems;
}

/** The same value with its last character changed (always changed: never replaced by itself). */
export function tampered(value: string): string {
  return `${value.slice(0, -1)}${value.endsWith('x') ? 'y' : 'x'}`;
}
