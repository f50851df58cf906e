/** Reading what the evaluate and lint flags name: input files, the policy file, --issuer (required flags: args.ts). */
import { parseTrustPolicy, TrustPolicyError } from '../trust/index.js';
import { readProblem } from './args.js';
import type { CliIo } from './cli-io.js';
import { CliError, parseJsonInput } from './inputs.js';

/** Reads the file a flag names; a file that cannot be read is bad input naming the flag. */
export function readInput(io: CliIo, flag: string, file: string): string {
  try {
    return io.readFile(file);
  } catch (error) {
    const why = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : readProblem(error);
    throw new CliError(`${flag} ${JSON.stringify(file)}: cannot read the file (${why})`);
  }
}

/** Reads and parses the --policy file; an invalid trust policy is bad input. */
export function loadPolicyFile(io: CliIo, file: string): unknown {
  const policy = parseJsonInput(readInput(io, '--policy', file), '--policy', file);
  try {
    parseTrustPolicy(policy);
  } catch (error) {
    if (error instanceof TrustPolicyError) throw new CliError(`--policy ${JSON.stringify(file)} is not a valid trust policy: ${error.message}`);
    throw error;
  }
  return policy;
}

/** --issuer, when given, must be a URL. */
export function checkedIssuer(issuer: string | undefined): string | undefined {
  if (issuer !== undefined && !/^https?:\/\/[^/\s]+/.test(issuer)) {
    throw new CliError(`--issuer ${JSON.stringify(issuer)} is not a URL (e.g. https://token.actions.githubusercontent.com)`);
  }
  return issuer;
}
