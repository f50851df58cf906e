/** Runs `keyless trail …` in this process with the real host and a given environment, collecting stdout and stderr. */
import type { CliIo } from '../../../src/cli/cli-io.js';
import { nodeHost } from '../../../src/cli/host.js';
import { trailCommand } from '../../../src/cli/trail.js';
import type { TrailEnv } from '../../../src/trail/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function captureIo(cwd: string): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    readFile: () => {
      throw new Error('not used');
    },
    version: 'test',
    host: nodeHost({ cwd, awsRegion: 'us-east-1' }),
  };
  return { io, out };
}

export async function trail(args: string[], cwd: string, env: TrailEnv = {}): Promise<CliResult> {
  const { io, out } = captureIo(cwd);
  const code = await trailCommand(args, io, env);
  return { code, ...out };
}
