/**
 * The credential_process program of a refreshing profile (refresh-credentials), run by the AWS CLI
 * and SDKs whenever they need credentials:
 *
 *   node dist/credential-process/index.js --config $RUNNER_TEMP/keyless/aws/credential-process/PROFILE.json
 *
 * It hands out the job's cached credentials while they have more than the refresh margin left
 * (cache-policy.ts). Otherwise it repeats the action's assumption (refresh.ts), once for all
 * concurrent invocations, and caches the result. The hit path reads only the configuration and
 * the cache: the pipeline (jose, the AWS SDK) is imported on a miss. Stdout carries only the
 * credential_process JSON; any failure is a message on stderr and a non-zero exit. Each refresh
 * appends an audit record; a cache hit does not.
 */
import { writeSync } from 'node:fs';
import { KeylessError, show } from '../shared/errors.js';
import { failureMessage } from '../shared/deadline.js';
import { logLines } from '../shared/outside-text.js';
import type { PipelineHooks } from '../assume/web-identity.js';
import type { Obtained } from './cache-writer.js';
import { credentialProcessOutput, parseProcessConfig, type CredentialProcessConfig, type ProcessCredentials } from './config.js';
import { accountsFor, credentialCacheKey } from './cache-policy.js';
import { lookupCached } from './cache.js';
import { jobPaths, runnerTempOfProcessConfig } from '../job/paths.js';
import { readPrivateFile, trustSudoInvoker } from '../job/private-files.js';

const USAGE = 'usage: node dist/credential-process/index.js --config FILE (the Keyless action writes FILE and this command line into the profile)';
/** action-timeout-s's default, for a configuration that names none. */
const DEFAULT_TIMEOUT_MS = 40_000;

function configPathFrom(args: readonly string[]): string {
  const [flag, path, ...rest] = args;
  if (flag !== '--config' || !path || rest.length > 0) throw new KeylessError('credential-process-config', `Unexpected arguments ${show(args.join(' '))}; ${USAGE}`);
  return path;
}

/** Everything goes to stderr: stdout is reserved for the credentials. */
const stderrHooks: PipelineHooks = {
  info: () => undefined,
  debug: () => undefined,
  // Under a workflow step the runner reads stderr for workflow commands too: through the sink.
  warning: (message) => void process.stderr.write(`keyless credential process: warning: ${logLines(message)}\n`),
  // The caller (AWS CLI, SDK) reads stdout; there is no log to mask in.
  setSecret: () => undefined,
};

/** Set for this process and its children: an SDK that resolved credentials through the same profile would run this program again. */
const NESTED = 'KEYLESS_CREDENTIAL_PROCESS_RUNNING';

/** Read only from a file of this user's (or, under sudo, the invoking user's): never a link, never someone else's. */
function readConfig(path: string): CredentialProcessConfig {
  let text: string | undefined;
  try {
    text = readPrivateFile(path);
    if (text === undefined) throw new Error('ENOENT: no such file');
  } catch (error) {
    throw new KeylessError('credential-process-config', `Cannot read the credential-process configuration ${show(path)}: ${(error as Error).message}`, [
      'It is written by the Keyless step that created this profile, under RUNNER_TEMP, and removed by its post step: use the profile within the same job.',
    ]);
  }
  return parseProcessConfig(text, path);
}

/** The miss path: the pipeline's modules are loaded only now. */
async function refresh(config: CredentialProcessConfig, runnerTemp: string | undefined): Promise<Obtained> {
  const { refreshCredentials } = await import('./refresh.js');
  // The refresh keeps the issuer's keys in the same job folder as the credentials.
  const env = runnerTemp ? { ...process.env, RUNNER_TEMP: runnerTemp } : process.env;
  return refreshCredentials(config, env, process.versions.node, stderrHooks);
}

async function main(): Promise<ProcessCredentials> {
  const startedAt = Date.now();
  if (process.env[NESTED]) {
    throw new KeylessError('credential-process-config', 'The credential process was started by itself (through the profile it serves); refusing to recurse.');
  }
  process.env[NESTED] = '1';
  // This program's edge: its environment is read here, and by refresh() on a miss.
  trustSudoInvoker(process.env.SUDO_UID ? Number(process.env.SUDO_UID) : undefined);
  const configFile = configPathFrom(process.argv.slice(2));
  const written = readConfig(configFile);
  // The job's folder is where the action wrote this configuration: RUNNER_TEMP may be missing
  // (env -i, sudo) or differ (a container) in the environment of the tool that runs this program.
  const runnerTemp = runnerTempOfProcessConfig(configFile) ?? (process.env.RUNNER_TEMP?.trim() || undefined);
  const config = runnerTemp && written.auditFile !== null ? { ...written, auditFile: jobPaths(runnerTemp).auditFile } : written;
  if (!runnerTemp) return (await refresh(config, undefined)).credentials;
  const location = { runnerTemp, key: credentialCacheKey(config, process.env), accounts: accountsFor(config) };
  const cached = lookupCached(location, startedAt, stderrHooks.warning);
  if (cached) return cached;
  const { refreshOnce } = await import('./cache-writer.js');
  const timeoutSeconds = Number(config.inputs['action-timeout-s']);
  const refreshTimeoutMs = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : DEFAULT_TIMEOUT_MS;
  return refreshOnce({ ...location, startedAt, refreshTimeoutMs, warn: stderrHooks.warning }, () => refresh(config, runnerTemp));
}

/**
 * Straight to file descriptor 1: process.stdout would first load Node's net and stream modules,
 * a good part of a cache hit's cost. A non-blocking stdout that is full falls back to the stream.
 */
function printAndExit(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch {
    process.stdout.write(bytes.subarray(written), () => process.exit(0));
    return;
  }
  process.exit(0);
}

try {
  printAndExit(`${credentialProcessOutput(await main())}\n`);
} catch (error) {
  process.stderr.write(`keyless credential process: ${logLines(failureMessage(error))}\n`, () => process.exit(1));
}
