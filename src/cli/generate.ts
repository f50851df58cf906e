/** `keyless trust-policy generate`: the least-privilege trust policy for exactly the runs to admit. */
import { generatedSubjects, generateTrustPolicy } from '../trust/index.js';
import { parseFlags, requireFlags } from './args.js';
import { EXIT_OK, type CliIo } from './cli-io.js';
import { formatGeneratedPolicy, generateJson, generateNotes, printNotes, sizeNotes } from './format.js';
import { GENERATE_HELP } from './help.js';
import { parseMaxSize } from './inputs.js';
import { PROVIDER_OPTIONS, requiredRunFlags, RUNS_TO_ADMIT_OPTIONS, runsToAdmit, withFlagErrors } from './runs-to-admit.js';

const OPTIONS = { ...RUNS_TO_ADMIT_OPTIONS, ...PROVIDER_OPTIONS, 'max-size': { type: 'string' }, json: { type: 'boolean' }, verbose: { type: 'boolean' } } as const;

export function generateCommand(args: string[], io: CliIo): number {
  const command = 'trust-policy generate';
  const v = parseFlags(args, OPTIONS, command);
  if (v.help) {
    io.stdout(GENERATE_HELP);
    return EXIT_OK;
  }
  requireFlags(requiredRunFlags(v), command);
  const quota = v['max-size'] !== undefined ? parseMaxSize(v['max-size']) : undefined;
  const options = runsToAdmit(v);
  const { policy, subjects, sized } = withFlagErrors(() => ({
    policy: generateTrustPolicy(options),
    subjects: generatedSubjects(options),
    // Sized with a real account id: the ACCOUNT_ID placeholder is shorter than what IAM will hold.
    sized: generateTrustPolicy({ ...options, account: options.account ?? '123456789012' }),
  }));
  const notes = [...generateNotes(options), ...sizeNotes(sized, quota)];
  if (v.json) {
    io.stdout(generateJson(policy, subjects, notes));
  } else {
    io.stdout(formatGeneratedPolicy(policy));
    printNotes(io.stderr, notes, v.verbose === true);
  }
  return EXIT_OK;
}
