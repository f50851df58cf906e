/**
 * `keyless trust-policy test --policy FILE --repository R --environment E …`: the shorthand of
 * test on the command line. The runs to admit, given with the flags of generate and setup aws,
 * must each be allowed by the policy; every run is one allow case, as in an expectation file.
 */
import type { RunCase } from '../trust/expectations.js';
import { runClaims, RunError } from '../trust/run-claims.js';
import { requireFlags } from './args.js';
import type { CommandHost } from './host.js';
import { CliError } from './inputs.js';
import { loadPolicy, splitRole, type LoadedPolicy } from './policy-source.js';
import { requiredRunFlags, runDescriptions, runsToAdmit, withFlagErrors, type RunsToAdmitValues } from './runs-to-admit.js';

/** The policy flag and the flags of the runs, as parseArgs gave them. */
export interface TestRunsValues extends RunsToAdmitValues {
  readonly policy?: string;
}

/** True when any flag of the runs to admit is given (then the shorthand is meant, not files). */
export function givesRuns(v: TestRunsValues): boolean {
  return requiredRunFlags(v).some((f) => f.given) || v.workflow !== undefined || v['owner-id'] !== undefined || v['repository-id'] !== undefined;
}

/** The policy and one allow case per run; the caller checks and reports them as it does files. */
export async function runsFromFlags(v: TestRunsValues, host: CommandHost, command: string): Promise<{ loaded: LoadedPolicy; cases: RunCase[] }> {
  requireFlags([{ flag: '--policy', what: 'the trust policy, or FILE#ROLE', given: v.policy !== undefined }, ...requiredRunFlags(v)], command);
  const runs = withFlagErrors(() => runDescriptions(runsToAdmit(v)));
  const [file, role] = splitRole(v.policy!);
  const loaded = await loadPolicy(host, file, role, '--policy', `name one as --policy ${file}#ROLE`);
  const cases = runs.map((run, index): RunCase => {
    let claims: Record<string, string>;
    try {
      claims = runClaims(run);
    } catch (error) {
      if (error instanceof RunError) throw new CliError(`the runs to admit: ${error.message}`);
      throw error;
    }
    return { expect: 'allow', index, line: 0, label: claims.sub!, claims };
  });
  return { loaded, cases };
}
