/**
 * Reads the audit's inputs: files, directories searched for IaC, and `-` for standard input. A
 * file named on the command line must be a kind the audit reads; files found in a directory are
 * read when they might hold roles, and skipped (with a note) when they do not parse.
 */
import { join, resolve } from 'node:path';
import { BoundedParseError } from '../shared/bounded-parse.js';
import { SourceSyntaxError } from '../trust/audit/located.js';
import { mightHoldRoles, readRoles, syntaxOf } from '../trust/audit/read.js';
import type { FoundRole } from '../trust/audit/types.js';
import { readProblem } from './args.js';
import type { CommandHost } from './host.js';
import { CliError, emptyPolicyFile } from './inputs.js';
import { quoteIfNeeded } from '../shared/outside-text.js';

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.terraform']);
const EXTENSIONS = /\.(json|ya?ml|template)$/i;

interface Input {
  /** As shown and used in SARIF; undefined for standard input. */
  readonly file?: string;
  readonly text: string;
  /** Named on the command line (not found in a directory). */
  readonly explicit: boolean;
}

function walk(host: CommandHost, dir: string, out: string[]): void {
  for (const entry of host.entries(resolve(host.cwd, dir)).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.directory) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(host, path, out);
    } else if (EXTENSIONS.test(entry.name)) out.push(path);
  }
}

async function collect(paths: readonly string[], host: CommandHost): Promise<Input[]> {
  const inputs: Input[] = [];
  let stdin = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdin) throw new CliError('"-" (standard input) is given twice');
      stdin = true;
      let text: string;
      try {
        text = await host.readStdin();
      } catch (error) {
        throw new CliError(`PATH "-": cannot read standard input (${readProblem(error)})`);
      }
      inputs.push({ text, explicit: true });
      continue;
    }
    let directory: boolean;
    try {
      directory = host.isDirectory(resolve(host.cwd, path));
    } catch (error) {
      throw new CliError(`PATH ${JSON.stringify(path)}: ${readProblem(error)}`);
    }
    const files: string[] = [];
    if (directory) walk(host, path, files);
    else files.push(path);
    for (const file of files) {
      let text: string;
      try {
        text = host.readText(resolve(host.cwd, file));
      } catch (error) {
        throw new CliError(`PATH ${JSON.stringify(file)}: cannot read the file (${readProblem(error)})`);
      }
      if (directory && !mightHoldRoles(text)) continue;
      inputs.push({ file, text, explicit: !directory });
    }
  }
  return inputs;
}

/** The roles in every input. Notes (files in directories skipped) go to `note`. */
export async function rolesFromPaths(paths: readonly string[], host: CommandHost, note: (text: string) => void): Promise<FoundRole[]> {
  const found: FoundRole[] = [];
  for (const input of await collect(paths, host)) {
    // File names come from the repository (git allows line breaks in them): quoted unless plain.
    const shown = input.file === undefined ? '(standard input)' : quoteIfNeeded(input.file);
    const name = input.file ?? 'standard input';
    if (input.text.trim() === '') {
      if (input.explicit) throw emptyPolicyFile(input.file !== undefined ? 'PATH' : 'standard input', input.file);
      continue;
    }
    let roles: FoundRole[] | undefined;
    try {
      roles = await readRoles(input.text, input.file, name, syntaxOf(input.file ?? '', input.text));
    } catch (error) {
      // Over a limit (nesting, a YAML alias bomb): bad input even in a directory, never skipped quietly.
      if (error instanceof BoundedParseError) throw new CliError(`${input.file !== undefined ? JSON.stringify(shown) : shown} ${error.problem}`);
      if (!(error instanceof SourceSyntaxError)) throw error;
      const syntax = syntaxOf(input.file ?? '', input.text) === 'json' ? 'JSON' : 'YAML';
      if (input.explicit) throw new CliError(`${shown} is not valid ${syntax} at ${error.message}`);
      note(`note: skipped ${shown}: not valid ${syntax} (${error.message})\n`);
      continue;
    }
    if (roles === undefined) {
      if (input.explicit) {
        throw new CliError(
          `${shown} is not something the audit reads: expected a trust policy, IAM output (get-account-authorization-details, list-roles, get-role), Terraform plan JSON (terraform show -json) or a CloudFormation template`,
        );
      }
      continue;
    }
    found.push(...roles);
  }
  return found;
}
