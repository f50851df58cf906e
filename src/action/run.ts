/**
 * The pipeline: inputs → credentials (OIDC token, or role chaining) → audit record → profile →
 * export → post-step state → summary. Each stage is its own module; this file only orders them,
 * applies the overall deadline and turns failures into messages. What only profiles, refresh or
 * chaining need is imported when those inputs are used, so the common path stays lean.
 */
import { KeylessError, show } from '../shared/errors.js';
import { parseSettings, type RoleArn, type Settings } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import { failureMessage, withDeadline, type Deadline } from '../shared/deadline.js';
import { assumeWithWebIdentity } from '../assume/web-identity.js';
import type { AssumedRole } from '../assume/sts.js';
import type { Claims } from '../verify/token.js';
import { maskSecrets, planExport, writeExports, type ProfileExport } from '../export/plan.js';
import type { ActionIO } from './runner.js';
import { renderSummary } from '../export/summary.js';
import { appendAuditRecord, buildAuditRecord, renderAuditSummary, type AuditRecord } from '../job/audit.js';
import { requireJobPaths, type JobPaths } from '../job/paths.js';
import { CLEANUP_STATE, type CleanupEntry, type CleanupState } from '../job/cleanup-state.js';

export { failureMessage };

export async function run(io: ActionIO, context: RunContext): Promise<void> {
  const startedAt = Date.now();
  try {
    const settings = parseSettings((name) => io.getInput(name), context);
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
}

async function pipeline(io: ActionIO, context: RunContext, settings: Settings, deadline: Deadline): Promise<void> {
  const pipelineStartedAt = performance.now();
  // A profile that may not be replaced, or nowhere to write it, fails here: before any request.
  const profileWork = settings.awsProfile ? await prepareProfile(settings, context) : undefined;

  const obtained = await obtain(io, context, settings, deadline);
  const { role, assumed } = obtained;
  if (deadline.expired()) return;
  const assumedAt = performance.now();

  const profileExport: ProfileExport | undefined = profileWork && {
    profile: profileWork.profile,
    configFile: profileWork.paths.configFile,
    credentialsFile: profileWork.paths.credentialsFile,
  };
  const plan = planExport(settings, assumed, profileExport);
  try {
    io.checkWritable();
  } catch (error) {
    throw new KeylessError('export-failed', `Could not write the runner's environment or output file: ${(error as Error).message}; nothing was exported.`, [
      'Check that GITHUB_ENV and GITHUB_OUTPUT point at writable files (self-hosted runners: disk space and permissions).',
    ]);
  }
  maskSecrets(plan, io);

  const audit = writeAudit(io, context, settings, obtained);
  const cleanup: CleanupEntry[] = [];
  if (profileWork) {
    const written = await profileWork.write(assumed, audit?.file);
    cleanup.push(...written.cleanup);
  }
  // Saved before the exports, so the post step can undo whatever got written if they fail.
  if (settings.cleanup) saveCleanupState(io, { version: 1, variables: plan.variables.map(([name]) => name), entries: cleanup });
  writeExports(plan, io, audit ? [['audit-file', audit.file]] : []);
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
  if (settings.jobSummary) {
    try {
      // Chaining has no token: the summary's subject line says so instead.
      const claims = obtained.token?.claims ?? { sub: 'none (role chaining from the credentials in the environment)' };
      let html = renderSummary({ settings, role, assumed, claims });
      if (audit) html += renderAuditSummary(audit.record, audit.file);
      await io.writeSummary(html);
    } catch (error) {
      io.warning(`Could not write the job summary: ${(error as Error).message}`);
    }
  }
}

async function obtain(io: ActionIO, context: RunContext, settings: Settings, deadline: Deadline): Promise<Obtained> {
  if (settings.roleChaining) {
    const { assumeChained } = await import('../assume/chain.js');
    return assumeChained(settings, context, deadline, io);
  }
  const result = await assumeWithWebIdentity(settings, context, deadline, io);
  return { role: result.role, assumed: result.assumed, token: { value: result.token, claims: result.claims }, tokenAndKeysAt: result.tokenAndKeysAt };
}

/** Every successful assumption leaves a record; failing to write one is a warning, not a failed deploy. */
function writeAudit(io: ActionIO, context: RunContext, settings: Settings, obtained: Obtained): { record: AuditRecord; file: string } | undefined {
  const record = buildAuditRecord({
    source: 'action',
    now: new Date(),
    role: obtained.role,
    sessionName: settings.roleSessionName,
    assumed: obtained.assumed,
    profile: settings.awsProfile,
    token: obtained.token,
    run: context.run,
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

interface ProfileWork {
  readonly profile: string;
  readonly paths: JobPaths;
  write(assumed: AssumedRole, auditFile: string | undefined): Promise<{ cleanup: readonly CleanupEntry[] }>;
  describe(): string;
}

/** Checks what can be checked before the network, and returns the writer for afterwards. */
async function prepareProfile(settings: Settings, context: RunContext): Promise<ProfileWork> {
  const profile = settings.awsProfile!;
  const paths = requireJobPaths(context.runnerTemp, settings.refreshCredentials ? 'refresh-credentials' : 'aws-profile');
  const profiles = await import('../job/profiles.js');
  profiles.ensureProfileFree(paths, profile, settings.overwriteAwsProfile);
  const refresh = settings.refreshCredentials ? await import('../credential-process/profile.js') : undefined;
  const script = refresh?.credentialProcessScript();
  let notes: readonly string[] = [];
  return {
    profile,
    paths,
    write: async (assumed, auditFile) => {
      let request: Parameters<typeof profiles.writeProfile>[1];
      if (refresh && script) {
        const built = refresh.refreshingProfile(settings, context, { profile, auditFile, script });
        notes = built.notes;
        request = { profile, region: settings.region, overwrite: settings.overwriteAwsProfile, credentialProcess: built.credentialProcess };
      } else {
        request = { profile, region: settings.region, overwrite: settings.overwriteAwsProfile, credentials: assumed };
      }
      return profiles.writeProfile(paths, request);
    },
    describe: () => {
      const kind = settings.refreshCredentials
        ? 'a refreshing profile (its credential_process requests a fresh OIDC token and assumes the role again whenever the credentials near expiry)'
        : 'a profile with these credentials';
      const use =
        settings.refreshCredentials && settings.outputEnvCredentials
          ? `AWS_PROFILE=${profile} is set for later steps`
          : `later steps select it with --profile ${profile} or AWS_PROFILE=${profile}`;
      const replaced =
        context.aws.configFile && context.aws.configFile !== paths.configFile ? ` AWS_CONFIG_FILE was ${show(context.aws.configFile)}: profiles there are no longer read.` : '';
      return [`Wrote profile ${show(profile)} to ${paths.configFile}, ${kind}; ${use}.${replaced}`, ...notes].join('\n');
    },
  };
}
