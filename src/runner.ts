/**
 * The action's side of the runner: inputs, masks, exported variables, outputs, log and job
 * summary, behind a small interface so the pipeline never writes to the runner directly.
 *
 * This speaks the runner's documented protocol itself (workflow commands on stdout, file
 * commands with heredoc delimiters) instead of loading @actions/core: that package statically
 * pulls in undici for an OIDC helper we do not use, which costs more at start-up than a bare
 * `node` start (see README, "Start-up"). The protocol is small and the tests check it byte by byte.
 */
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { EOL } from 'node:os';
import { inputsFromEnv } from './settings.js';

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

export interface ExportSink {
  setSecret(value: string): void;
  exportVariable(name: string, value: string): void;
  setOutput(name: string, value: string): void;
}

export interface ActionIO extends ExportSink, Logger {
  getInput(name: string): string;
  fail(message: string): void;
  /** Throws when a file command target cannot take writes, before anything is written. */
  checkWritable(): void;
  writeSummary(html: string): Promise<void>;
  /** Hands a value to this action's post step (GITHUB_STATE); the last value saved under a name wins. */
  saveState(name: string, value: string): void;
}

/** A value the main step saved with saveState: the runner gives it to the post step as STATE_<name>. */
export function getState(env: Env, name: string): string {
  return env[`STATE_${name}`] ?? '';
}

type Env = Record<string, string | undefined>;

/** Workflow command data: the runner decodes %25, %0D and %0A, so a value can never start a new command. */
export function escapeCommandData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * A file command entry: `name<<DELIMITER`, the value, `DELIMITER`. The delimiter is random per
 * entry and checked against the value, so a value can never close the entry early and inject
 * another variable.
 */
export function fileCommandEntry(name: string, value: string, delimiter = `ghadelimiter_${randomUUID()}`): string {
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`refusing to write ${name}: its value contains the delimiter`);
  }
  if (/[\r\n=]/.test(name) || name === '') throw new Error(`invalid name ${JSON.stringify(name)}`);
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

export function runnerIO(env: Env, write: (text: string) => void = (text) => void process.stdout.write(text)): ActionIO {
  const command = (name: string, message: string) => write(`::${name}::${escapeCommandData(message)}${EOL}`);
  const appendTo = (variable: string, text: string) => {
    const path = env[variable];
    if (!path) throw new Error(`${variable} is not set: not running on a GitHub Actions runner?`);
    appendFileSync(path, text, { encoding: 'utf8' });
  };
  return {
    getInput: inputsFromEnv(env),
    setSecret: (value) => {
      if (value !== '') command('add-mask', value);
    },
    exportVariable: (name, value) => {
      appendTo('GITHUB_ENV', fileCommandEntry(name, value));
      // Later code in this process (none today) sees what later steps will see.
      env[name] = value;
    },
    setOutput: (name, value) => appendTo('GITHUB_OUTPUT', fileCommandEntry(name, value)),
    info: (message) => write(`${message}${EOL}`),
    warning: (message) => command('warning', message),
    debug: (message) => command('debug', message),
    fail: (message) => {
      process.exitCode = 1;
      command('error', message);
    },
    checkWritable: () => {
      for (const name of ['GITHUB_ENV', 'GITHUB_OUTPUT']) {
        const path = env[name];
        if (!path) throw new Error(`${name} is not set: not running on a GitHub Actions runner?`);
        // Opening for append is the real test: it catches directories, missing folders and read-only mounts.
        closeSync(openSync(path, 'a'));
      }
    },
    writeSummary: async (html) => {
      if (env.GITHUB_STEP_SUMMARY) appendTo('GITHUB_STEP_SUMMARY', html);
    },
    saveState: (name, value) => appendTo('GITHUB_STATE', fileCommandEntry(name, value)),
  };
}
