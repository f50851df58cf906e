/** Decoding the CLI's input files. Pure: callers pass file contents in. */
import { decodeJwt } from 'jose';
import { BoundedParseError, checkJsonNesting } from '../shared/bounded-parse.js';
import { DEFAULT_TRUST_POLICY_QUOTA, MAX_STATED_TRUST_POLICY_QUOTA } from '../trust/index.js';

/** Bad input or bad usage: exit code 2, message on stderr. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/**
 * Finds where a JSON text first goes wrong (V8's messages do not always give a position).
 * Returns the offset and what was found there, or undefined when the text is valid JSON.
 */
export function jsonErrorAt(text: string): { offset: number; problem: string } | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  class Stop extends Error {
    constructor(readonly offset: number, readonly problem: string) {
      super(problem);
    }
  }
  const fail = (expected: string): never => {
    const found = i >= text.length ? 'the end of the document' : JSON.stringify(text[i]);
    throw new Stop(i, `expected ${expected}, found ${found}`);
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a value');
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('a closing quote (control characters must be escaped)');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 5;
        } else if (i < text.length && '"\\/bfnrt'.includes(text[i]!)) i++;
        else fail('a valid escape sequence');
      } else i++;
    }
    if (i >= text.length) fail('a closing quote');
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail('":" after the property name');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('"," or "}"');
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('"," or "]"');
      }
    } else if (c === '"') {
      string();
    } else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m || m[0] === '' || m[0] === '-') fail('a value');
      i += m![0].length;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the document');
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, problem: error.problem };
    throw error;
  }
}

/** Parses JSON; on error, the message names the flag, the file, and the line and column. */
export function parseJsonInput(text: string, flag: string, file: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    checkJsonNesting(source, { name: file });
  } catch (error) {
    if (error instanceof BoundedParseError) throw new CliError(`${flag} ${JSON.stringify(file)} ${error.problem}`);
    throw error;
  }
  try {
    return JSON.parse(source);
  } catch (error) {
    if (source.trim() === '') return failEmpty(flag, file);
    const at = jsonErrorAt(source);
    if (!at) throw new CliError(`${flag} ${JSON.stringify(file)} is not valid JSON: ${(error as Error).message}`);
    const { line, column } = lineColumn(source, at.offset);
    throw new CliError(`${flag} ${JSON.stringify(file)} is not valid JSON at line ${line}, column ${column}: ${at.problem}`);
  }
}

function failEmpty(flag: string, file: string): never {
  throw flag === '--policy' ? emptyPolicyFile(flag, file) : new CliError(`${flag} ${JSON.stringify(file)} is empty; expected a JSON document`);
}

/** An empty (or all-whitespace) policy file: the same words from lint, audit, test and prove. */
export function emptyPolicyFile(what: string, file: string | undefined): CliError {
  return new CliError(`${what}${file !== undefined ? ` ${JSON.stringify(file)}` : ''} is empty; expected a trust policy`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `--max-size N`: the account's "Role trust policy length" quota, which IAM's own limits bound. */
export function parseMaxSize(value: string): number {
  const quota = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(quota >= DEFAULT_TRUST_POLICY_QUOTA && quota <= MAX_STATED_TRUST_POLICY_QUOTA)) {
    throw new CliError(
      `--max-size ${JSON.stringify(value)}: expected the account's "Role trust policy length" quota in characters, a whole number from ${DEFAULT_TRUST_POLICY_QUOTA} (IAM's default) to ${MAX_STATED_TRUST_POLICY_QUOTA}`,
    );
  }
  return quota;
}

/** Claims from `--claims`: a bare claims object, or a decoded token `{header, payload}`. */
export function claimsFromJson(value: unknown, file: string): Record<string, unknown> {
  if (!isObject(value)) {
    throw new CliError(`--claims ${JSON.stringify(file)} must hold a JSON object of token claims (or {"header": …, "payload": …}), not ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  if (isObject(value.payload) && (isObject(value.header) || !('sub' in value))) return value.payload;
  return value;
}

/** Claims from `--token`: the JWT is decoded, NOT verified. */
export function claimsFromToken(text: string, file: string): Record<string, unknown> {
  const token = text.trim();
  if (token === '') throw new CliError(`--token ${JSON.stringify(file)} is empty; expected a JWT (header.payload.signature)`);
  if (token.split('.').length !== 3) {
    throw new CliError(`--token ${JSON.stringify(file)} is not a JWT: expected three base64url parts separated by "." (header.payload.signature)`);
  }
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`--token ${JSON.stringify(file)} is not a decodable JWT: ${(error as Error).message}`);
  }
}
