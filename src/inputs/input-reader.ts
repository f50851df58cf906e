/**
 * Reading inputs with every problem collected, so one run reports them all: typed readers for
 * booleans, bounded integers, lists and service URLs, each problem in the one wording the README's
 * troubleshooting section is keyed by. Pure.
 */
import { inputProblem, KeylessError } from '../shared/errors.js';
import { endpointTransportProblem } from './endpoints.js';

export type InputReader = (name: string) => string;

/** The spellings a boolean input accepts (those of YAML 1.2, as @actions/core's getBooleanInput), and nothing else. */
export const BOOLEAN_TRUE: readonly string[] = ['true', 'True', 'TRUE'];
export const BOOLEAN_FALSE: readonly string[] = ['false', 'False', 'FALSE'];


/** https, or http only to a loopback host (which the tests and `npm start` use). */
export function checkServiceUrl(value: string): { url?: URL; problem?: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'an absolute URL such as https://host/path' };
  }
  if (url.username || url.password) return { problem: 'a URL without user name or password' };
  if (url.search || url.hash) return { problem: 'a URL without query string or fragment' };
  const transport = endpointTransportProblem(value);
  return transport ? { problem: transport } : { url };
}

export class Inputs {
  private readonly problems: string[] = [];

  constructor(
    private readonly read: InputReader,
    /** Where a value came from when not from the input itself (an environment variable), for messages. */
    private readonly origin: (name: string) => string | undefined = () => undefined,
  ) {}

  text(name: string): string {
    return this.read(name);
  }

  problem(input: string, given: string | undefined, expected: string): void {
    this.problems.push(inputProblem(this.label(input), given, expected));
  }

  /** A problem with something other than an input (an environment variable), worded by the caller. */
  otherProblem(message: string | undefined): void {
    if (message) this.problems.push(message);
  }

  /** The input's name for messages, with the variable it came from: `role-to-assume (from ROLE_TO_ASSUME)`. */
  label(input: string): string {
    const from = this.origin(input);
    return from ? `${input} (from ${from})` : input;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.read(name);
    if (raw === '') return fallback;
    if (BOOLEAN_TRUE.includes(raw)) return true;
    if (BOOLEAN_FALSE.includes(raw)) return false;
    this.problem(name, raw, 'true or false');
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number, unit = ''): number {
    const raw = this.read(name);
    if (raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problem(name, raw, `a whole number from ${min} to ${max}${unit}`);
      return fallback;
    }
    return Number(raw);
  }

  /** Items separated by newlines or commas; blank items and `#` comments dropped. */
  list(name: string): string[] {
    return this.read(name)
      .split(/\r?\n|,/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }

  /** A service URL without its trailing slashes, or undefined when the input is empty or invalid. */
  serviceUrl(name: string): string | undefined {
    const raw = this.read(name);
    if (raw === '') return undefined;
    const { url, problem } = checkServiceUrl(raw);
    if (problem) this.problem(name, raw, problem);
    return url ? raw.replace(/\/+$/, '') : undefined;
  }

  /** Throws one KeylessError listing every problem found, if any. */
  throwIfInvalid(): void {
    const count = this.problems.length;
    if (count === 0) return;
    throw new KeylessError(
      'invalid-input',
      count === 1 ? `Invalid input: ${this.problems[0]}` : `${count} inputs are invalid:`,
      count === 1 ? [] : this.problems.map((p) => `- ${p}`),
    );
  }
}
