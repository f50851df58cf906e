/** What the CLI's commands are given to do I/O (CliIo), and the CLI's exit codes. */
import type { CommandHost } from './host.js';

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_FAILED = 3;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads a UTF-8 file; throws a Node.js fs error (with `code`) when it cannot. */
  readonly readFile: (path: string) => string;
  readonly version: string;
  /** Files, standard input and IAM for audit, test and prove (supplied by the entry point). */
  readonly host?: CommandHost;
  /** Asks a yes/no question on the terminal; absent when stdin or stderr is not a TTY. */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** The environment (GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY for `reach`), parsed by the command that needs it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}
