/** Argument parsing for the commands (every one takes --help/-h), with the CLI's error wording. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BoundedParseError } from '../shared/bounded-parse.js';
import { BoundedReadError } from '../shared/bounded-read.js';
import { CliError } from './inputs.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** For commands that may take positional arguments (audit, test, prove). */
export function parseCommand<T extends Options>(args: string[], options: T, command: string, positionals: boolean) {
  return parseWithCliErrors(args, options, command, positionals, false);
}

/**
 * For commands that take flags only (evaluate, lint, generate); their usage errors also say how to
 * give a value that starts with "-".
 */
export function parseFlags<T extends Options>(args: string[], options: T, command: string) {
  return parseWithCliErrors(args, options, command, false, true).values;
}

function parseWithCliErrors<T extends Options>(args: string[], options: T, command: string, positionals: boolean, dashValueHint: boolean) {
  try {
    return parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, ...options }, strict: true, allowPositionals: positionals });
  } catch (error) {
    const e = error as Error & { code?: string };
    const flag = /'(-[^' ]+)/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new CliError(`unknown flag ${flag ?? e.message} for "keyless ${command}"; run "keyless ${command} --help"`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const problem = /argument missing/.test(e.message)
        ? 'needs a value'
        : dashValueHint && /ambiguous/.test(e.message)
          ? `needs a value; write one that starts with "-" as ${flag}=VALUE`
          : 'does not take a value';
      throw new CliError(`${flag ?? 'a flag'} ${problem} ("keyless ${command} --help")`);
    }
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']+)'/.exec(e.message)?.[1];
      throw new CliError(`unexpected argument ${arg !== undefined ? JSON.stringify(arg) : ''} for "keyless ${command}"; flags take the form --name value`);
    }
    throw new CliError(e.message);
  }
}

/** Why a file could not be read, in words. */
export function readProblem(error: unknown): string {
  if (error instanceof BoundedReadError) return error.problem;
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}

/** Runs an async command body; bad input (CliError) is exit code 2 with the message on stderr. */
export async function guarded(stderr: (text: string) => void, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    // A file over a read or parse limit is bad input too; the message names the file.
    if (error instanceof CliError || error instanceof BoundedReadError || error instanceof BoundedParseError) {
      stderr(`keyless: error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
