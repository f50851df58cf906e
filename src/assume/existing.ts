/**
 * use-existing-credentials: whether the credentials already there (the SDK's default chain: the
 * environment, AWS_PROFILE, an instance role) work, asked with one GetCallerIdentity, as
 * configure-aws-credentials asks. Any failure means "no", never an error.
 */
import type { Settings } from '../inputs/settings.js';
import type { HttpAgents } from '../shared/http.js';
import { limitResponseBodies } from '../shared/sdk-body-limit.js';
import { preloadSts } from './sts.js';
import { quoteIfNeeded } from '../shared/outside-text.js';

export interface ExistingIdentity {
  readonly arn: string;
  readonly account: string;
}

export async function existingIdentity(settings: Settings, agents: HttpAgents): Promise<ExistingIdentity | { problem: string }> {
  const sdk = await preloadSts();
  const client = new sdk.STSClient({
    region: settings.region,
    endpoint: settings.stsEndpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: settings.requestTimeoutMs, requestTimeout: settings.requestTimeoutMs, ...agents },
  });
  limitResponseBodies(client);
  try {
    const output = await client.send(new sdk.GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(settings.requestTimeoutMs) });
    if (!output.Arn || !output.Account) return { problem: 'GetCallerIdentity answered without Arn and Account' };
    if (settings.allowedAccountIds.length > 0 && !settings.allowedAccountIds.includes(output.Account)) {
      return { problem: `they are for account ${quoteIfNeeded(output.Account)}, which allowed-account-ids does not list` };
    }
    return { arn: output.Arn, account: output.Account };
  } catch (error) {
    // The error comes from the answer (or whatever stands in for STS): quoted unless plain.
    return { problem: `${quoteIfNeeded((error as Error).name)}: ${quoteIfNeeded((error as Error).message)}` };
  } finally {
    client.destroy();
  }
}
