/** Test-side helpers around the runner harness: Node binaries to run on, secret leak checks. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ROOT, type ActionRun } from '../../src/local/harness.js';

import { runAction as runInHarness, type RunOptions } from '../../src/local/harness.js';
export { ACTION_ENTRY, ROOT, commandValues, parseFileCommands, type ActionRun, type RunOptions } from '../../src/local/harness.js';

/** Runs since the last leak check (test/setup/leak-check.ts drains this after every test). */
export const recordedRuns: ActionRun[] = [];

/** The harness's runAction, recorded so that every run of every test is checked for leaks. */
export async function runAction(options: RunOptions = {}): Promise<ActionRun> {
  const run = await runInHarness(options);
  recordedRuns.push(run);
  return run;
}

export interface NodeBinary {
  readonly label: string;
  readonly path: string;
}

/**
 * The machine's own Node (20 here) and the runner's Node 24 from the `node` devDependency.
 * npm scripts put node_modules/.bin (Node 24) first on PATH, so the machine's Node is found by
 * skipping that entry.
 */
export function nodeBinaries(): NodeBinary[] {
  const found = new Map<string, NodeBinary>();
  const add = (path: string) => {
    if (!existsSync(path)) return;
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    const major = version.replace(/^v/, '').split('.')[0];
    if (!found.has(major!)) found.set(major!, { label: `node ${version}`, path });
  };
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue;
    add(join(dir, 'node'));
  }
  add(join(ROOT, 'node_modules', 'node', 'bin', 'node'));
  return [...found.values()].sort((a, b) => a.label.localeCompare(b.label));
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
