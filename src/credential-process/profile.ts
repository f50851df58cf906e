/**
 * The action's side of refresh-credentials: the credential_process entry that runs the bundled
 * program (dist/credential-process/index.js) with the same `node` that runs the action, and the
 * non-secret configuration it reads. Loaded only with refresh-credentials.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KeylessError } from '../shared/errors.js';
import type { Settings } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import type { ProfileRequest } from '../job/profiles.js';
import type { AssumedRole } from '../assume/sts.js';
import { buildProcessConfig, commandLine, processCredentials } from './config.js';
import { accountsFor, credentialCacheKey } from './cache-policy.js';
import { storeCredentials } from './cache-writer.js';

/** dist/credential-process/index.js next to the running dist/index.js (the script the runner started). */
export function credentialProcessScript(entry: string | undefined = process.argv[1]): string {
  const script = join(dirname(resolve(entry ?? '.')), 'credential-process', 'index.js');
  if (!existsSync(script)) {
    throw new KeylessError('profile-write-failed', `refresh-credentials: the credential-process program is missing (${script}); nothing was requested.`, [
      "The action's dist/ folder is incomplete: it must hold credential-process/index.js next to index.js.",
    ]);
  }
  return script;
}

export function refreshingProfile(
  settings: Settings,
  context: RunContext,
  options: { profile: string; auditFile: string | undefined; script: string },
): { credentialProcess: NonNullable<ProfileRequest['credentialProcess']>; notes: readonly string[]; seedCache: (assumed: AssumedRole) => void } {
  const { config, notes } = buildProcessConfig(settings, context, { profile: options.profile, auditFile: options.auditFile, cwd: process.cwd() });
  return {
    credentialProcess: { config, command: (configFile) => commandLine([process.execPath, options.script, '--config', configFile]) },
    notes,
    // The action's own credentials serve the profile's first calls: no second assumption right after the first.
    seedCache: (assumed) => {
      if (!context.runnerTemp) return;
      const location = { runnerTemp: context.runnerTemp, key: credentialCacheKey(config, context.aws.variables), accounts: accountsFor(config) };
      storeCredentials(location, { credentials: processCredentials(assumed), account: assumed.account });
    },
  };
}
