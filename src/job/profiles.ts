/**
 * Named profiles in job-scoped AWS config and credentials files under RUNNER_TEMP (owner-only),
 * for the AWS CLI and SDKs of later steps. Each invocation adds its profile to the same two files
 * without touching the others; replacing an existing profile takes overwrite-aws-profile. Every
 * file is rewritten whole (temp file + rename). Loaded only when a profile is asked for.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inputProblem, KeylessError, show } from '../shared/errors.js';
import { ensurePrivateDir, type JobPaths } from './paths.js';
import { readRegularFile, writeFileAtomic } from './files.js';
import { ownDirExists, UntrustedPathError } from './private-files.js';
import type { CleanupEntry } from './cleanup-state.js';
import type { CredentialProcessConfig } from '../credential-process/config.js';
import { configSection, credentialsSection, hasSection, parseIni, serializeIni, withoutSections, withSection } from './ini.js';

const FILE_HEADER = '# Written by the Keyless action for this job only; its post step removes what it wrote.';

export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface ProfileRequest {
  readonly profile: string;
  readonly region: string;
  readonly overwrite: boolean;
  /** Exactly one of the two: fixed credentials, or a program that fetches fresh ones. */
  readonly credentials?: StaticCredentials;
  readonly credentialProcess?: { readonly command: (configFile: string) => string; readonly config: CredentialProcessConfig };
}

export interface WrittenProfile {
  readonly configFile: string;
  readonly credentialsFile: string;
  readonly processConfigFile: string | undefined;
  /** What the post step removes again. */
  readonly cleanup: readonly CleanupEntry[];
}

export function processConfigFile(paths: JobPaths, profile: string): string {
  return join(paths.processConfigDir, `${profile}.json`);
}

/** The files that already hold this profile. */
export function filesHoldingProfile(paths: JobPaths, profile: string): string[] {
  const holding: string[] = [];
  const config = readRegularFile(paths.configFile);
  if (config !== undefined && hasSection(parseIni(config), configSection(profile))) holding.push(paths.configFile);
  const credentials = readRegularFile(paths.credentialsFile);
  if (credentials !== undefined && hasSection(parseIni(credentials), credentialsSection(profile))) holding.push(paths.credentialsFile);
  return holding;
}

/**
 * Fails early (before any request) when the profile exists and may not be replaced, or when the
 * job's folders are not this user's own (planted by another user in a shared RUNNER_TEMP).
 */
export function ensureProfileFree(paths: JobPaths, profile: string, overwrite: boolean): void {
  let holding: string[];
  try {
    for (const folder of [paths.root, paths.awsDir, paths.processConfigDir]) ownDirExists(folder);
    holding = overwrite ? [] : filesHoldingProfile(paths, profile);
  } catch (error) {
    throw writeFailed(profile, error);
  }
  if (holding.length > 0) {
    throw new KeylessError(
      'profile-exists',
      `Invalid input: ${inputProblem('aws-profile', profile, `a profile that no earlier step of this job wrote; ${holding.join(' and ')} already hold${holding.length === 1 ? 's' : ''} it. Nothing was requested.`)}`,
      ['Choose another aws-profile, or set overwrite-aws-profile: true to replace it.'],
    );
  }
}

function writeFailed(profile: string, error: unknown): KeylessError {
  const hint =
    error instanceof UntrustedPathError
      ? "Something in RUNNER_TEMP/keyless is not this job's own (another user's, or a link): nothing there is used. On a shared self-hosted runner, give each runner user its own RUNNER_TEMP."
      : 'The profile files live under RUNNER_TEMP/keyless/aws: check that RUNNER_TEMP is writable by this job.';
  return new KeylessError('profile-write-failed', `Could not write AWS profile ${show(profile)}: ${(error as Error).message}`, [hint]);
}

export function writeProfile(paths: JobPaths, request: ProfileRequest): WrittenProfile {
  try {
    return writeProfileFiles(paths, request);
  } catch (error) {
    if (error instanceof KeylessError) throw error;
    throw writeFailed(request.profile, error);
  }
}

function writeProfileFiles(paths: JobPaths, request: ProfileRequest): WrittenProfile {
  const { profile } = request;
  const cleanup: CleanupEntry[] = [];
  ensurePrivateDir(paths.root);
  if (ensurePrivateDir(paths.awsDir)) cleanup.push({ kind: 'dir', path: paths.awsDir });
  // Checked again here: the early check ran before the network calls.
  ensureProfileFree(paths, profile, request.overwrite);

  let processFile: string | undefined;
  const configEntries: [string, string][] = [['region', request.region]];
  if (request.credentialProcess) {
    if (ensurePrivateDir(paths.processConfigDir)) cleanup.push({ kind: 'dir', path: paths.processConfigDir });
    processFile = processConfigFile(paths, profile);
    const existed = existsSync(processFile);
    writeFileAtomic(processFile, `${JSON.stringify(request.credentialProcess.config, null, 2)}\n`);
    if (!existed) cleanup.push({ kind: 'file', path: processFile });
    configEntries.push(['credential_process', request.credentialProcess.command(processFile)]);
  }

  // config: [profile NAME] with the region (and the credential process).
  const configText = readRegularFile(paths.configFile);
  const config = withSection(
    withoutSections(parseIni(configText ?? FILE_HEADER), [configSection(profile)]).document,
    configSection(profile),
    configEntries,
  );
  writeFileAtomic(paths.configFile, serializeIni(config));
  cleanup.push({ kind: 'sections', path: paths.configFile, created: configText === undefined, sections: [configSection(profile)] });

  // credentials: [NAME] with fixed credentials; a refreshing profile must have none there, or
  // they would win over its credential_process and never refresh.
  const credentialsText = readRegularFile(paths.credentialsFile);
  let credentials = withoutSections(parseIni(credentialsText ?? FILE_HEADER), [credentialsSection(profile)]).document;
  if (request.credentials) {
    const c = request.credentials;
    credentials = withSection(credentials, credentialsSection(profile), [
      ['aws_access_key_id', c.accessKeyId],
      ['aws_secret_access_key', c.secretAccessKey],
      ['aws_session_token', c.sessionToken],
    ]);
  }
  // Written even when empty, so AWS_SHARED_CREDENTIALS_FILE always names a real, owner-only file.
  writeFileAtomic(paths.credentialsFile, serializeIni(credentials));
  cleanup.push({
    kind: 'sections',
    path: paths.credentialsFile,
    created: credentialsText === undefined,
    sections: request.credentials ? [credentialsSection(profile)] : [],
  });
  return { configFile: paths.configFile, credentialsFile: paths.credentialsFile, processConfigFile: processFile, cleanup };
}
