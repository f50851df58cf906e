/**
 * A job of several steps, as the runner runs it: one RUNNER_TEMP for the whole job, variables a
 * step exports (GITHUB_ENV) seen by every later step, each Keyless step's GITHUB_STATE handed to
 * its post step as STATE_* variables, and the post steps run in reverse order. Plus the programs
 * later steps run: the real AWS CLI, and a profile's credential_process command line.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, parseFileCommands, runAction, type ActionRun } from './runner.js';
import { configSection, parseIni } from '../../src/job/ini.js';

export const POST_ENTRY = join(ROOT, 'dist', 'post', 'index.js');
export const CREDENTIAL_PROCESS_ENTRY = join(ROOT, 'dist', 'credential-process', 'index.js');
/** Debian's package, not a pip-installed v1 that may shadow it on PATH. */
export const AWS_CLI = ['/usr/bin/aws', '/usr/local/bin/aws'].find((path) => existsSync(path));

export interface StepRun extends ActionRun {
  /** What the step saved for its post step (GITHUB_STATE). */
  readonly state: Record<string, string>;
}

interface StepRecord {
  readonly inputs: Record<string, string>;
  readonly state: Record<string, string>;
}

export interface Job {
  readonly runnerTemp: string;
  /** What the next step sees: the job's environment plus everything exported so far. */
  readonly env: Record<string, string | undefined>;
  /** Every step and post step run so far, for the leak check after each test. */
  readonly runs: ActionRun[];
  step(inputs: Record<string, string>, env?: Record<string, string | undefined>): Promise<StepRun>;
  /** The post steps of every Keyless step so far, last step first, as the runner orders them. */
  post(): Promise<ActionRun[]>;
  close(): void;
}

export function startJob(baseEnv: Record<string, string | undefined>): Job {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-job-'));
  const runnerTemp = join(dir, 'temp');
  const env: Record<string, string | undefined> = { ...baseEnv, RUNNER_TEMP: runnerTemp };
  const steps: StepRecord[] = [];
  const runs: ActionRun[] = [];
  let count = 0;
  const fresh = (name: string) => {
    const path = join(dir, `${name}-${++count}`);
    writeFileSync(path, '');
    return path;
  };
  // RUNNER_TEMP exists before any step, as on a runner.
  mkdirSync(runnerTemp, { recursive: true });
  return {
    runnerTemp,
    env,
    runs,
    async step(inputs, extraEnv = {}) {
      const stateFile = fresh('state');
      const run = await runAction({ inputs, env: { ...env, ...extraEnv, GITHUB_STATE: stateFile } });
      const state = parseFileCommands(readFileSync(stateFile, 'utf8'));
      Object.assign(env, run.env);
      steps.push({ inputs, state });
      runs.push(run);
      return { ...run, state };
    },
    async post() {
      const posts: ActionRun[] = [];
      for (const step of [...steps].reverse()) {
        const stateEnv = Object.fromEntries(Object.entries(step.state).map(([name, value]) => [`STATE_${name}`, value]));
        const run = await runAction({ entry: POST_ENTRY, inputs: step.inputs, env: { ...env, ...stateEnv } });
        Object.assign(env, run.env);
        posts.push(run);
      }
      runs.push(...posts);
      return posts;
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ProgramRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command line the way the JS SDK runs credential_process: through /bin/sh. */
export function runCommandLine(commandLine: string, env: Record<string, string | undefined>): Promise<ProgramRun> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', commandLine], { env: definedOnly(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (exitCode) => {
      clearTimeout(killer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** The job's credential cache (src/credential-process/cache.ts). */
export function credentialCacheDir(job: Pick<Job, 'runnerTemp'>): string {
  return join(job.runnerTemp, 'keyless', 'cache', 'credentials');
}

/** The cache entries (KEY.json) in the job's credential cache, as absolute paths. */
export function credentialCacheEntries(job: Pick<Job, 'runnerTemp'>): string[] {
  const dir = credentialCacheDir(job);
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')).map((name) => join(dir, name)) : [];
}

/** A cold cache: as if no credentials had been obtained in the job yet. */
export function clearCredentialCache(job: Pick<Job, 'runnerTemp'>): void {
  rmSync(credentialCacheDir(job), { recursive: true, force: true });
}

/** The credential_process line of a profile in a config file. */
export function credentialProcessLine(configFile: string, profile: string): string {
  const section = parseIni(readFileSync(configFile, 'utf8')).sections.find((s) => s.name === configSection(profile));
  const line = section?.lines.find((l) => l.startsWith('credential_process = '));
  if (!line) throw new Error(`no credential_process for profile ${profile} in ${configFile}`);
  return line.slice('credential_process = '.length);
}

const execFileAsync = promisify(execFile);

/** The real AWS CLI with a clean HOME, no instance metadata, and the variables given. */
export async function awsCli(args: string[], env: Record<string, string | undefined>): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'keyless-cli-home-'));
  try {
    const { stdout, stderr } = await execFileAsync(AWS_CLI!, args, {
      env: definedOnly({ PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...env }),
      timeout: 60_000,
    });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
