/**
 * What the action does with credentials already in the job, before getting new ones, as
 * configure-aws-credentials does: unset-current-credentials blanks them (so a failed step leaves
 * none behind, and role chaining or use-existing-credentials cannot pick them up), and
 * use-existing-credentials keeps them when they still work.
 */
import type { Settings } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import type { ActionIO } from './runner.js';
import { Inputs, type InputReader } from '../inputs/input-reader.js';
import { parseOutputEnvCredentials } from '../inputs/modes.js';
import { quoteIfNeeded } from '../shared/outside-text.js';

/** What unset-current-credentials blanks: the credentials and the region, in GITHUB_ENV and in this process. */
const UNSET_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION'];

/** Returns the context as it is once they are blanked. Only with output-env-credentials (a settings note says so otherwise). */
export function unsetCurrentCredentials(io: ActionIO, context: RunContext, settings: Settings): RunContext {
  if (!settings.unsetCurrentCredentials || !settings.outputEnvCredentials) return context;
  blankCurrentCredentials(io);
  const variables = { ...context.aws.variables, ...Object.fromEntries(UNSET_VARIABLES.map((name) => [name, ''])) };
  return { ...context, aws: { ...context.aws, credentials: undefined, variables } };
}

/**
 * Inputs that do not parse still must not leave an earlier step's credentials behind when the
 * step says to unset them (configure-aws-credentials unsets before it checks its inputs). Read
 * from the raw inputs, as the settings could not be made; a failure here stays behind the input error.
 */
export function unsetOnInputError(io: ActionIO, read: InputReader): void {
  // Problems with these two inputs are in the input error already: each falls back to its default here.
  const inputs = new Inputs(read);
  if (!inputs.bool('unset-current-credentials', false) || !parseOutputEnvCredentials(inputs)) return;
  try {
    blankCurrentCredentials(io);
  } catch {
    // GITHUB_ENV unusable: the input error says what is wrong; this step exported nothing.
  }
}

function blankCurrentCredentials(io: ActionIO): void {
  for (const name of UNSET_VARIABLES) io.exportVariable(name, '');
  io.info(`unset-current-credentials: blanked ${UNSET_VARIABLES.join(', ')} for this and later steps.`);
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
  io.info(`use-existing-credentials: the credentials in the job work (${settings.maskAccountId ? '***' : quoteIfNeeded(found.arn)}); nothing new was requested or exported.`);
  return true;
}
