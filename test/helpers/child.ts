/** A command run to its end as a child process, its output collected: the CLI bundle, a shell script. */
import { spawn, spawnSync } from 'node:child_process';

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ProcessOptions {
  readonly cwd?: string;
  /** The whole environment of the child; absent, it inherits this process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly stdin?: string;
}

/** Without blocking the event loop: a loopback server the child talks to may run in this process. */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** The same, blocking: for tests with no server in this process. */
export function runProcessSync(command: string, args: readonly string[], options: ProcessOptions & { readonly timeoutMs?: number } = {}): ProcessResult {
  const r = spawnSync(command, [...args], { cwd: options.cwd, env: options.env, input: options.stdin, encoding: 'utf8', timeout: options.timeoutMs ?? 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
