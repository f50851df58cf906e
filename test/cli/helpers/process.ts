/** The bundled CLI (dist/cli/index.js) as a real process, with a working directory, stdin and a clean environment. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/runner.js';
import { runProcess, type ProcessResult } from '../../helpers/child.js';

export const BUNDLE = join(ROOT, 'dist', 'cli', 'index.js');

export type Result = ProcessResult;

export interface RunOptions {
  readonly cwd?: string;
  readonly stdin?: string;
  readonly env?: Record<string, string>;
}

/** Runs `keyless ARGS…` without blocking the event loop (a loopback IAM may run in this process). */
export function keyless(args: readonly string[], options: RunOptions = {}): Promise<Result> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} does not exist: build the CLI first (node scripts/build.mjs cli)`);
  return runProcess(process.execPath, [BUNDLE, ...args], {
    cwd: options.cwd ?? ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: '/nonexistent',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...options.env,
    },
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  });
}

/** stdout must be exactly one JSON document. */
export function json<T = Record<string, unknown>>(r: Result): T {
  return JSON.parse(r.stdout) as T;
}
