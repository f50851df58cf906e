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
  let parsed;
  try {
    parsed = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, ...options }, strict: true, allowPositionals: positionals, tokens: true });
  } catch (error) {
    throw usageError(error, command, dashValueHint);
  }
  refuseRepeatedValues(parsed.tokens, options, command);
  const { tokens: _tokens, ...result } = parsed;
  return result;
}

/**
 * A flag that takes one value, given twice, is an error naming both values: parseArgs would keep
 * the last one silently (`--account A --account B` would use B with no word).
 */
function refuseRepeatedValues(tokens: readonly ParseToken[], options: Options, command: string): void {
  const first = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    const option = options[token.name];
    if (option === undefined || option.type !== 'string' || option.multiple) continue;
    const earlier = first.get(token.name);
    if (earlier !== undefined) {
      throw new CliError(`--${token.name} is given twice (${JSON.stringify(earlier)} and ${JSON.stringify(token.value)}); it takes one value ("keyless ${command} --help")`);
    }
    first.set(token.name, token.value);
  }
}

type ParseToken = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** One flag a command needs (`what` says what it is), or a choice of flags of which one is needed. */
export interface RequiredFlag {
  readonly flag: string;
  readonly what: string;
  readonly given: boolean;
}

/** Every required flag that is missing, in one message (not one run per missing flag). */
export function requireFlags(flags: readonly RequiredFlag[], command: string): void {
  const missing = flags.filter((f) => !f.given);
  if (missing.length === 0) return;
  const list = missing.map((f) => `${f.flag} (${f.what})`);
  const verb = missing.length === 1 ? 'is' : 'are';
  throw new CliError(`${list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`} ${verb} required ("keyless ${command} --help")`);
}

/** parseArgs' error as the CLI words it. */
function usageError(error: unknown, command: string, dashValueHint: boolean): CliError {
  const e = error as Error & { code?: string };
  const flag = /'(-[^' ]+)/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new CliError(`unknown flag ${flag ?? e.message} for "keyless ${command}"; run "keyless ${command} --help"`);
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const problem = /argument missing/.test(e.message)
      ? 'needs a value'
      : dashValueHint && /ambiguous/.test(e.message)
        ? `needs a value; write one that starts with "-" as ${flag}=VALUE`
        : 'does not take a value';
    return new CliError(`${flag ?? 'a flag'} ${problem} ("keyless ${command} --help")`);
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']+)'/.exec(e.message)?.[1];
    return new CliError(`unexpected argument ${arg !== undefined ? JSON.stringify(arg) : ''} for "keyless ${command}"; flags take the form --name value`);
  }
  return new CliError(e.message);
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

/**
 * Runs an async command body; bad input (CliError) is exit code 2 with the message on stderr, a
 * failed AWS call (a CliError with exitCode 3) exit code 3.
 */
export async function guarded(stderr: (text: string) => void, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    // A file over a read or parse limit is bad input too; the message names the file.
    if (error instanceof CliError || error instanceof BoundedReadError || error instanceof BoundedParseError) {
      stderr(`keyless: error: ${error.message}\n`);
      return 'exitCode' in error && error.exitCode === 3 ? 3 : 2;
    }
    throw error;
  }
}
