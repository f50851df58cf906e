/**
 * The action's profile (aws-profile / refresh-credentials): what can be checked before the network
 * (RUNNER_TEMP, a profile that may not be replaced), then the writer used once STS has answered.
 * Loaded only when a profile is asked for.
 */
import { show } from '../shared/errors.js';
import type { Settings } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import type { AssumedRole } from '../assume/sts.js';
import { requireJobPaths, type JobPaths } from '../job/paths.js';
import type { CleanupEntry } from '../job/cleanup-state.js';

export interface ProfileWork {
  readonly profile: string;
  readonly paths: JobPaths;
  write(assumed: AssumedRole, auditFile: string | undefined): Promise<{ cleanup: readonly CleanupEntry[] }>;
  describe(): string;
}

/** Checks what can be checked before the network, and returns the writer for afterwards. */
export async function prepareProfile(settings: Settings, context: RunContext): Promise<ProfileWork> {
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
      if (!refresh || !script) {
        return profiles.writeProfile(paths, { profile, region: settings.region, overwrite: settings.overwriteAwsProfile, credentials: assumed });
      }
      const built = refresh.refreshingProfile(settings, context, { profile, auditFile, script });
      notes = built.notes;
      const written = profiles.writeProfile(paths, { profile, region: settings.region, overwrite: settings.overwriteAwsProfile, credentialProcess: built.credentialProcess });
      try {
        // The profile's first calls get the credentials just obtained, rather than assuming the role again.
        built.seedCache(assumed);
      } catch (error) {
        notes = [...notes, `The credentials were not cached for the profile (${(error as Error).message}); its first call assumes the role again.`];
      }
      return written;
    },
    describe: () => {
      const kind = settings.refreshCredentials
        ? 'a refreshing profile (its credential_process requests a fresh OIDC token and assumes the role again whenever the credentials near expiry)'
        : 'a profile with these credentials';
      const use = !settings.outputEnvCredentials
        ? `later steps select it with --profile ${profile} or AWS_PROFILE=${profile} (no credential variables were exported to override it)`
        : settings.refreshCredentials
          ? `AWS_PROFILE=${profile} is set for later steps`
          : `AWS_PROFILE=${profile} is set for later steps, and the credential variables too (output-env-credentials: true), which the AWS CLI and SDKs prefer to any profile`;
      const replaced =
        context.aws.configFile && context.aws.configFile !== paths.configFile ? ` AWS_CONFIG_FILE was ${show(context.aws.configFile)}: profiles there are no longer read.` : '';
      return [`Wrote profile ${show(profile)} to ${paths.configFile}, ${kind}; ${use}.${replaced}`, ...notes].join('\n');
    },
  };
}
