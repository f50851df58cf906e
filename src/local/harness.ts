/**
 * Runs a built entry point the way the GitHub runner does: a fresh `node` process, inputs as
 * INPUT_* variables (hyphens kept), file commands in temp files, and reads back what the
 * runner would: exported variables, outputs, job summary, masks. Used by `npm start`, the
 * benchmark and the integration tests.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ACTION_ENTRY = join(ROOT, 'dist', 'index.js');

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

export interface RunOptions {
  readonly entry?: string;
  readonly node?: string;
  readonly inputs?: Record<string, string>;
  readonly env?: Record<string, string | undefined>;
  /** Kill the process after this long (a test safety net; the action's own timeouts are what is tested). */
  readonly killAfterMs?: number;
  /** Make GITHUB_ENV unwritable (a directory: even root cannot append to it). */
  readonly unwritableEnvFile?: boolean;
  /**
   * An action.yml whose input defaults are passed as the runner passes them (INPUT_NAME=default for
   * every input not given). Without it, only the inputs given are set.
   */
  readonly actionYml?: string;
  /**
   * RUNNER_TEMP for the run, kept afterwards (the demo shows the audit record the action wrote
   * there). Default: the run's own temp folder, removed with it.
   */
  readonly runnerTemp?: string;
  /** A program that runs node, e.g. ['/usr/bin/time', '-f', '%M'] (no shell: it would drop INPUT_ names with hyphens). */
  readonly prefix?: readonly string[];
}

/** The input defaults an action.yml declares, as the runner would pass them. */
export function actionYmlDefaults(path: string): Record<string, string> {
  const manifest = parseYaml(readFileSync(path, 'utf8')) as { inputs?: Record<string, { default?: unknown }> };
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(manifest.inputs ?? {})) {
    if (input?.default !== undefined) defaults[name] = String(input.default);
  }
  return defaults;
}

export interface ActionRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly env: Record<string, string>;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly masks: string[];
  readonly errors: string[];
  readonly durationMs: number;
  readonly rawEnvFile: string;
  readonly rawOutputFile: string;
}

export async function runAction(options: RunOptions = {}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-run-'));
  const files = {
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_PATH: join(dir, 'path'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  if (options.runnerTemp) mkdirSync(options.runnerTemp, { recursive: true, mode: 0o700 });
  if (options.unwritableEnvFile) {
    rmSync(files.GITHUB_ENV);
    mkdirSync(files.GITHUB_ENV);
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    // A home of its own, as a fresh runner has: no ~/.aws of the machine running the tests.
    HOME: dir,
    RUNNER_TEMP: options.runnerTemp ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_EVENT_NAME: 'push',
    // The rest of what a runner sets for every step; other actions (configure-aws-credentials) require them.
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_ACTION: 'keyless',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SHA: 'c0287c91c66814e5d9c4379c3caec89ae5b5d6a3',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKSPACE: dir,
    ...files,
  };
  const inputs = { ...(options.actionYml ? actionYmlDefaults(options.actionYml) : {}), ...options.inputs };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const started = performance.now();
  const command = [...(options.prefix ?? []), options.node ?? process.execPath, options.entry ?? ACTION_ENTRY];
  const child = spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
  const exitCode = await new Promise<number | null>((resolvePromise) => child.on('close', (code) => resolvePromise(code)));
  clearTimeout(killer);
  const durationMs = performance.now() - started;
  const rawEnvFile = statSync(files.GITHUB_ENV).isDirectory() ? '' : readFileSync(files.GITHUB_ENV, 'utf8');
  const rawOutputFile = readFileSync(files.GITHUB_OUTPUT, 'utf8');
  const run: ActionRun = {
    exitCode,
    stdout,
    stderr,
    env: parseFileCommands(rawEnvFile),
    outputs: parseFileCommands(rawOutputFile),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    masks: commandValues(stdout, 'add-mask'),
    errors: commandValues(stdout, 'error'),
    durationMs,
    rawEnvFile,
    rawOutputFile,
  };
  rmSync(dir, { recursive: true, force: true });
  return run;
}

/**
 * Parses GITHUB_ENV / GITHUB_OUTPUT as the runner does: `name<<DELIM` … `DELIM` blocks, or
 * `name=value` lines. Throws on anything else, so a malformed file fails the test.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiterText] = heredoc;
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiterText) value.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`unterminated heredoc for ${name}`);
      result[name!] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`malformed file command line: ${JSON.stringify(line)}`);
    result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}

/** Decoded values of `::name::value` workflow commands on stdout. */
export function commandValues(stdout: string, name: string): string[] {
  const prefix = `::${name}::`;
  return stdout
    .split(/\r?\n/)
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));
}
