/**
 * The credential_process program of a refreshing profile (refresh-credentials), run by the AWS CLI
 * and SDKs whenever they need credentials:
 *
 *   node dist/credential-process/index.js --config $RUNNER_TEMP/keyless/aws/credential-process/PROFILE.json
 *
 * It repeats the action's assumption with the same modules: a fresh OIDC token from the runner
 * (its token-request variables come from this process's environment, never from a file), local
 * verification, claim rules, STS AssumeRoleWithWebIdentity. Stdout carries only the
 * credential_process JSON; any failure is a message on stderr and a non-zero exit. Each success
 * appends an audit record.
 */
import { readFileSync } from 'node:fs';
import { KeylessError, show } from '../shared/errors.js';
import { parseSettings } from '../inputs/settings.js';
import { githubRunFromEnv, parseRunContext } from '../inputs/context.js';
import { enableJobCompileCache } from '../shared/compile-cache.js';
import { failureMessage, withDeadline } from '../shared/deadline.js';
import { assumeWithWebIdentity, type PipelineHooks } from '../assume/web-identity.js';
import { checkAllowedAccount } from '../export/plan.js';
import { appendAuditRecord, buildAuditRecord } from '../job/audit.js';
import { credentialProcessOutput, parseProcessConfig } from './config.js';

const USAGE = 'usage: node dist/credential-process/index.js --config FILE (the Keyless action writes FILE and this command line into the profile)';

function configPathFrom(args: readonly string[]): string {
  const [flag, path, ...rest] = args;
  if (flag !== '--config' || !path || rest.length > 0) throw new KeylessError('credential-process-config', `Unexpected arguments ${show(args.join(' '))}; ${USAGE}`);
  return path;
}

/** Everything goes to stderr: stdout is reserved for the credentials. */
const stderrHooks: PipelineHooks = {
  info: () => undefined,
  debug: () => undefined,
  warning: (message) => void process.stderr.write(`keyless credential process: warning: ${message}\n`),
  // The caller (AWS CLI, SDK) reads stdout; there is no log to mask in.
  setSecret: () => undefined,
};

/** Set for this process and its children: an SDK that resolved credentials through the same profile would run this program again. */
const NESTED = 'KEYLESS_CREDENTIAL_PROCESS_RUNNING';

async function main(): Promise<string> {
  const startedAt = Date.now();
  if (process.env[NESTED]) {
    throw new KeylessError('credential-process-config', 'The credential process was started by itself (through the profile it serves); refusing to recurse.');
  }
  process.env[NESTED] = '1';
  const configPath = configPathFrom(process.argv.slice(2));
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new KeylessError('credential-process-config', `Cannot read the credential-process configuration ${show(configPath)}: ${(error as Error).message}`, [
      'It is written by the Keyless step that created this profile, under RUNNER_TEMP, and removed by its post step: use the profile within the same job.',
    ]);
  }
  const config = parseProcessConfig(text, configPath);
  // This program's edge: its environment is read here, once.
  const context = parseRunContext(process.env, githubRunFromEnv(process.env), process.versions.node);
  const settings = parseSettings((name) => (config.inputs[name] ?? '').trim(), context);
  let output = '';
  await withDeadline(startedAt + settings.actionTimeoutMs, settings.actionTimeoutMs, async (deadline) => {
    const result = await assumeWithWebIdentity(settings, context, deadline, stderrHooks);
    checkAllowedAccount(settings, result.assumed);
    if (config.auditFile) {
      try {
        appendAuditRecord(
          config.auditFile,
          buildAuditRecord({
            source: 'credential-process',
            now: new Date(),
            role: result.role,
            sessionName: settings.roleSessionName,
            assumed: result.assumed,
            profile: config.profile,
            token: { value: result.token, claims: result.claims },
          }),
        );
      } catch (error) {
        stderrHooks.warning(`no audit record was written: ${(error as Error).message}`);
      }
    }
    output = credentialProcessOutput(result.assumed);
  });
  return output;
}

// Run again and again in a long job: let Node cache the compiled SDK chunk, as the action does.
enableJobCompileCache(process.env.RUNNER_TEMP);

try {
  const json = await main();
  process.stdout.write(`${json}\n`, () => process.exit(0));
} catch (error) {
  process.stderr.write(`keyless credential process: ${failureMessage(error)}\n`, () => process.exit(1));
}
