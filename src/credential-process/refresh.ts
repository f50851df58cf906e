/**
 * The credential process's refresh: the action's assumption repeated with the same modules (a
 * fresh OIDC token from the runner, local verification, claim rules, STS
 * AssumeRoleWithWebIdentity) and one audit record. Loaded by index.ts only on a cache miss, since
 * it brings jose and, once the requests are out, the AWS SDK.
 */
import { parseSettings } from '../inputs/settings.js';
import { githubRunFromEnv, parseRunContext, type Env } from '../inputs/context.js';
import { withDeadline } from '../shared/deadline.js';
import { assumeWithWebIdentity, type PipelineHooks } from '../assume/web-identity.js';
import { checkAllowedAccount } from '../export/plan.js';
import { appendAuditRecord, buildAuditRecord } from '../job/audit.js';
import { processCredentials, type CredentialProcessConfig } from './config.js';
import type { Obtained } from './cache-writer.js';

export async function refreshCredentials(config: CredentialProcessConfig, env: Env, nodeVersion: string, hooks: PipelineHooks): Promise<Obtained> {
  const startedAt = Date.now();
  const context = parseRunContext(env, githubRunFromEnv(env), nodeVersion);
  const settings = parseSettings((name) => (config.inputs[name] ?? '').trim(), context);
  let obtained: Obtained | undefined;
  await withDeadline(startedAt + settings.actionTimeoutMs, settings.actionTimeoutMs, async (deadline) => {
    const result = await assumeWithWebIdentity(settings, context, deadline, hooks);
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
        hooks.warning(`no audit record was written: ${(error as Error).message}`);
      }
    }
    obtained = { credentials: processCredentials(result.assumed), account: result.assumed.account };
  });
  return obtained!;
}
