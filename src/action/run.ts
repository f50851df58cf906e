/**
 * The pipeline: inputs → local checks → credentials (OIDC token → verify → STS, or role chaining)
 * → masks → audit record → profile → export → post-step state → summary. Each stage is its own
 * module; this file orders them, applies the overall deadline and turns failures into messages.
 * Everything that can be checked on the runner is checked before the first request of any kind.
 */
import { KeylessError, show } from '../shared/errors.js';
import { parseSettings, type RoleArn, type Settings } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import { failureMessage, withDeadline, type Deadline } from '../shared/deadline.js';
import { assumeWithWebIdentity } from '../assume/web-identity.js';
import type { AssumedRole } from '../assume/sts.js';
import type { Claims } from '../verify/token.js';
import type { ProfileExport } from '../export/plan.js';
import type { AuditRecord } from '../job/audit.js';
import { jobPaths, requireJobPaths } from '../job/paths.js';
import { CLEANUP_STATE, type CleanupEntry, type CleanupState } from '../job/cleanup-state.js';
import type { ProfileWork } from './profile-step.js';
import { checkRunnerFiles, type ActionIO } from './runner.js';
import { keepExistingCredentials, unsetCurrentCredentials, unsetOnInputError } from './existing-credentials.js';
import type { FallbackReader } from '../inputs/env-fallbacks.js';

// Needed only once STS has answered: loaded while the requests are on the wire (after-credentials.ts).
let afterCredentials: Promise<typeof import('./after-credentials.js')> | undefined;
const loadAfterCredentials = () => (afterCredentials ??= import('./after-credentials.js'));
type AfterCredentials = typeof import('./after-credentials.js');

/** The chunk, or an error that says what happened: the role was assumed, nothing was exported. */
async function afterCredentialsFor(role: RoleArn): Promise<AfterCredentials> {
  try {
    return await loadAfterCredentials();
  } catch (error) {
    throw new KeylessError(
      'export-failed',
      `STS issued credentials for ${role.arn}, but Keyless could not load its export code (${(error as Error).message}); nothing was exported.`,
      ["The action's dist/ folder is incomplete: use a released tag or commit of the action, whose dist/ is complete."],
    );
  }
}

export async function run(io: ActionIO, context: RunContext, inputs: FallbackReader): Promise<void> {
  const startedAt = Date.now();
  try {
    let settings: Settings;
    try {
      settings = parseSettings(inputs.read, context, inputs.origin);
    } catch (error) {
      unsetOnInputError(io, inputs.read);
      throw error;
    }
    for (const note of settings.notes) io.warning(note);
    // Masked before anything can print them: the accounts of the roles this run may assume.
    if (settings.maskAccountId) for (const role of [settings.role, ...settings.roleByEnvironment.values()]) if (role) io.setSecret(role.account);
    await withDeadline(startedAt + settings.actionTimeoutMs, settings.actionTimeoutMs, (deadline) => pipeline(io, context, settings, deadline));
  } catch (error) {
    io.fail(failureMessage(error));
  }
}

const ms = (value: number) => value.toFixed(1);
/** The AWS CLI's advisory refresh: it fetches new credentials this long before they expire. */
const CLI_REFRESH_WINDOW_SECONDS = 900;

interface Obtained {
  readonly role: RoleArn;
  readonly assumed: AssumedRole;
  /** Absent with role chaining. */
  readonly token?: { readonly value: string; readonly claims: Claims };
  readonly tokenAndKeysAt?: number;
  /** Role chaining: who signed the AssumeRole. */
  readonly sourceArn?: string;
}

async function pipeline(io: ActionIO, givenContext: RunContext, settings: Settings, deadline: Deadline): Promise<void> {
  const pipelineStartedAt = performance.now();
  // Local checks: the runner's files, then the profile (RUNNER_TEMP, a clash); the token file and
  // trust policy are read by the credentials stage before its first request.
  checkRunnerFiles(givenContext.files);
  const profileWork = settings.awsProfile ? await (await import('./profile-step.js')).prepareProfile(settings, givenContext) : undefined;
  const context = unsetCurrentCredentials(io, givenContext, settings);
  if (await keepExistingCredentials(io, context, settings)) return;

  const obtained = await obtain(io, context, settings, deadline);
  const { role, assumed } = obtained;
  if (deadline.expired()) return;
  const assumedAt = performance.now();
  const later = await afterCredentialsFor(role);
  const { planExport, maskSecrets, writeExports } = later;

  const profileExport: ProfileExport | undefined = profileWork && {
    profile: profileWork.profile,
    configFile: profileWork.paths.configFile,
    credentialsFile: profileWork.paths.credentialsFile,
  };
  const plan = planExport(settings, assumed, profileExport);
  maskSecrets(plan, io);

  const audit = writeAudit(later, io, context, settings, obtained);
  const cleanup: CleanupEntry[] = [];
  if (profileWork) cleanup.push(...(await profileWork.write(assumed, audit?.file)).cleanup);
  // Saved before the exports, so the post step can undo whatever got written if they fail.
  if (settings.cleanup) saveCleanupState(io, { version: 1, variables: plan.variables.map(([name]) => name), entries: cleanup });
  try {
    writeExports(plan, io, { envFile: context.files.env, outputFile: context.files.output, previous: context.aws.variables }, audit ? [['audit-file', audit.file]] : []);
  } catch (error) {
    throw await withProfileUndone(error, cleanup, context, io);
  }
  // performance.now() counts from process start: module loading shows as the first figure.
  io.debug(
    `timing: pipeline started ${ms(pipelineStartedAt)}, token and keys ${ms(obtained.tokenAndKeysAt ?? pipelineStartedAt)}, STS ${ms(assumedAt)}, exported ${ms(performance.now())} (ms since process start)`,
  );

  const account = settings.maskAccountId ? '***' : assumed.account;
  io.info(
    `Assumed ${role.arn}${settings.roleChaining ? ' by role chaining' : ''} as session ${show(settings.roleSessionName)} (account ${account}); credentials valid until ${assumed.expiration.toISOString()}` +
      (assumed.attempts > 1 ? ` after ${assumed.attempts} attempts` : ''),
  );
  if (profileWork) io.info(profileWork.describe());
  if (settings.refreshCredentials && settings.roleDurationSeconds < CLI_REFRESH_WINDOW_SECONDS * 2) {
    io.warning(
      `role-duration-seconds is ${settings.roleDurationSeconds}: the AWS CLI refreshes credentials 15 minutes before they expire, so with sessions this short it runs the credential process again on almost every call. ${CLI_REFRESH_WINDOW_SECONDS * 2} or more avoids that.`,
    );
  }
  if (settings.jobSummary) await writeSummary(later, io, settings, obtained, audit);
}

async function obtain(io: ActionIO, context: RunContext, settings: Settings, deadline: Deadline): Promise<Obtained> {
  if (settings.roleChaining) {
    const { assumeChained } = await import('../assume/chain.js');
    return assumeChained(settings, context, deadline, io);
  }
  const result = await assumeWithWebIdentity(settings, context, deadline, io, { whileWaiting: () => void loadAfterCredentials().catch(() => undefined) });
  return { role: result.role, assumed: result.assumed, token: { value: result.token, claims: result.claims }, tokenAndKeysAt: result.tokenAndKeysAt };
}

/** An export that failed part way also takes back the profile it wrote: nothing usable is left. */
async function withProfileUndone(error: unknown, written: readonly CleanupEntry[], context: RunContext, io: ActionIO): Promise<unknown> {
  if (!(error instanceof KeylessError) || written.length === 0 || !context.runnerTemp) return error;
  const { runCleanup } = await import('../job/cleanup.js');
  const report = runCleanup({ version: 1, variables: [], entries: written }, jobPaths(context.runnerTemp).root, io);
  const lines = [...report.removed.map((line) => `Undone: ${line}.`), ...report.problems.map((line) => `Could NOT undo: ${line}.`)];
  return new KeylessError(error.code, error.message, [...error.details.slice(0, -1), ...lines, ...error.details.slice(-1)], { cause: error });
}

/** Every successful assumption leaves a record; failing to write one is a warning, not a failed deploy. */
function writeAudit(
  { buildAuditRecord, appendAuditRecord }: AfterCredentials,
  io: ActionIO,
  context: RunContext,
  settings: Settings,
  obtained: Obtained,
): { record: AuditRecord; file: string } | undefined {
  const record = buildAuditRecord({
    source: 'action',
    now: new Date(),
    role: obtained.role,
    sessionName: settings.roleSessionName,
    assumed: obtained.assumed,
    profile: settings.awsProfile,
    token: obtained.token,
    run: context.run,
    sourceArn: obtained.sourceArn,
  });
  try {
    const file = requireJobPaths(context.runnerTemp, 'The audit record').auditFile;
    appendAuditRecord(file, record);
    return { record, file };
  } catch (error) {
    io.warning(`No audit record was written: ${(error as Error).message}`);
    return undefined;
  }
}

function saveCleanupState(io: ActionIO, state: CleanupState): void {
  try {
    io.saveState(CLEANUP_STATE, JSON.stringify(state));
  } catch (error) {
    io.warning(`The post step will not be able to clean up (could not save its state: ${(error as Error).message})`);
  }
}

async function writeSummary(
  { renderSummary, renderAuditSummary }: AfterCredentials,
  io: ActionIO,
  settings: Settings,
  obtained: Obtained,
  audit: { record: AuditRecord; file: string } | undefined,
): Promise<void> {
  try {
    // Chaining has no token: the summary's subject line says so instead.
    const claims = obtained.token?.claims ?? { sub: 'none (role chaining from the credentials in the environment)' };
    let html = renderSummary({ settings, role: obtained.role, assumed: obtained.assumed, claims });
    if (audit) html += renderAuditSummary(audit.record, audit.file);
    await io.writeSummary(html);
  } catch (error) {
    io.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
}
