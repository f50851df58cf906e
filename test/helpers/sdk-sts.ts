/**
 * The AWS SDK for JS v3 as the oracle of the SDK-free AssumeRoleWithWebIdentity (src/assume/
 * sts-query.ts, sts-direct.ts): the request it would send, and what it makes of an answer, with a
 * request handler in place of the network.
 */
import { AssumeRoleWithWebIdentityCommand, STSClient, type AssumeRoleWithWebIdentityCommandOutput } from '@aws-sdk/client-sts';
import type { QueryAnswer, WebIdentityParameters } from '../../src/assume/sts-query.js';

/** The parts of the SDK's HTTP request the tests compare. */
export interface SdkRequest {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body: string;
}

const MINIMAL: WebIdentityParameters = { roleArn: 'arn:aws:iam::123456789012:role/r', roleSessionName: 's', webIdentityToken: 't' };

const command = (p: WebIdentityParameters) =>
  new AssumeRoleWithWebIdentityCommand({
    RoleArn: p.roleArn,
    RoleSessionName: p.roleSessionName,
    WebIdentityToken: p.webIdentityToken,
    DurationSeconds: p.durationSeconds,
    Policy: p.policy,
    PolicyArns: p.policyArns?.length ? p.policyArns.map((arn) => ({ arn })) : undefined,
  });

/** The request the SDK would send for these parameters (to `endpoint`, when given); nothing is sent. */
export async function sdkRequest(parameters: WebIdentityParameters = MINIMAL, endpoint?: string): Promise<SdkRequest> {
  const stop = new Error('captured');
  let captured: SdkRequest | undefined;
  const client = new STSClient({
    region: 'us-east-1',
    ...(endpoint !== undefined ? { endpoint } : {}),
    requestHandler: { handle: async (request: SdkRequest) => ((captured = request), Promise.reject(stop)) } as never,
  });
  await client.send(command(parameters)).catch((error: unknown) => {
    if (error !== stop) throw error;
  });
  return captured!;
}

/** What the SDK makes of an answer: its output, or it throws its exception. */
export async function sdkAnswer(answer: QueryAnswer): Promise<AssumeRoleWithWebIdentityCommandOutput> {
  const client = new STSClient({
    region: 'us-east-1',
    maxAttempts: 1,
    requestHandler: {
      handle: async () => ({ response: { statusCode: answer.status, reason: '', headers: answer.headers, body: Buffer.from(answer.body) } }),
    } as never,
  });
  return client.send(command(MINIMAL));
}
