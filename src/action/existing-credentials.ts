/**
 * What the action does with credentials already in the job, before getting new ones, as
 * configure-aws-credentials does: unset-current-credentials blanks them (so a failed step leaves
 * none behind, and role chaining or use-existing-credentials cannot pick them up), and
 * use-existing-credentials keeps them when they still work.
 */
import type { Settings } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import type { ActionIO } from './runner.js';
import { BOOLEAN_FALSE, BOOLEAN_TRUE } from '../inputs/input-reader.js';

/** What unset-current-credentials blanks: the credentials and the region, in GITHUB_ENV and in this process. */
const UNSET_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION'];

/** Returns the context as it is once they are blanked. Only with output-env-credentials (a settings note says so otherwise). */
export function unsetCurrentCredentials(io: ActionIO, context: RunContext, settings: Settings): RunContext {
  if (!settings.unsetCurrentCredentials || !settings.outputEnvCredentials) return context;
  for (const name of UNSET_VARIABLES) io.exportVariable(name, '');
  io.info(`unset-current-credentials: blanked ${UNSET_VARIABLES.join(', ')} for this and later steps.`);
  const variables = { ...context.aws.variables, ...Object.fromEntries(UNSET_VARIABLES.map((name) => [name, ''])) };
  return { ...context, aws: { ...context.aws, credentials: undefined, variables } };
}

/**
 * Inputs that do not parse still must not leave an earlier step's credentials behind when the
 * step says to unset them (configure-aws-credentials unsets before it checks its inputs). Read
 * from the raw inputs, as the settings could not be made; a failure here stays behind the input error.
 */
export function unsetOnInputError(io: ActionIO, read: (name: string) => string): void {
  if (!BOOLEAN_TRUE.includes(read('unset-current-credentials'))) return;
  const envOutput = read('output-env-credentials');
  // output-env-credentials defaults to false when aws-profile names a profile; then nothing is blanked.
  if (BOOLEAN_FALSE.includes(envOutput) || (envOutput === '' && read('aws-profile') !== '')) return;
  try {
    for (const name of UNSET_VARIABLES) io.exportVariable(name, '');
    io.info(`unset-current-credentials: blanked ${UNSET_VARIABLES.join(', ')} for this and later steps.`);
  } catch {
    // GITHUB_ENV unusable: the input error says what is wrong; this step exported nothing.
  }
}

/** True when the credentials already there work and may be kept: then nothing new is requested or exported. */
export async function keepExistingCredentials(io: ActionIO, context: RunContext, settings: Settings): Promise<boolean> {
  if (!settings.useExistingCredentials) return false;
  const [{ existingIdentity }, { agentsFor }] = await Promise.all([import('../assume/existing.js'), import('../assume/web-identity.js')]);
  const found = await existingIdentity(settings, agentsFor(settings, context));
  if ('problem' in found) {
    io.info(`use-existing-credentials: no usable credentials in the job (${found.problem}); getting new ones.`);
    return false;
  }
  if (settings.maskAccountId) {
    io.setSecret(found.account);
    io.setSecret(found.arn);
  }
  io.setOutput('aws-account-id', found.account);
  io.setOutput('authenticated-arn', found.arn);
  io.info(`use-existing-credentials: the credentials in the job work (${settings.maskAccountId ? '***' : found.arn}); nothing new was requested or exported.`);
  return true;
}
