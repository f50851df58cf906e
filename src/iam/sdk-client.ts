/** The edge: {@link IamApi} over @aws-sdk/client-iam, with the caller's credentials from the SDK's default chain. */
import type { IamApi, ObservedRole } from './client.js';
import { IamCallError } from './client.js';

export interface SdkIamOptions {
  /** IAM signs in its partition's global region (us-east-1 for aws). */
  readonly region: string;
  /** For tests in one process; by default the SDK takes AWS_ENDPOINT_URL_IAM and its default credential chain. */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/** The answer, or undefined when IAM says there is no such role or policy. */
async function unlessNoSuchEntity<T>(answer: Promise<T>): Promise<T | undefined> {
  try {
    return await answer;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchEntityException') return undefined;
    throw error;
  }
}

/** Creates the client; the SDK is loaded here, only for `--apply`. The endpoint comes from AWS_ENDPOINT_URL_IAM when set. */
export async function createSdkIam(options: SdkIamOptions): Promise<IamApi> {
  const sdk = await import('@aws-sdk/client-iam');
  const client = new sdk.IAMClient({
    region: options.region,
    maxAttempts: 3,
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 5_000 },
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  });

  async function call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'CredentialsProviderError') {
        throw new IamCallError(action, 'NoCredentials', 'no AWS credentials found by the SDK\'s default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, a web identity, or an instance role)');
      }
      throw new IamCallError(action, (e.name ?? 'Error').replace(/Exception$/, ''), e.message ?? String(error), e.$metadata?.httpStatusCode);
    }
  }

  return {
    listOpenIdConnectProviders: () =>
      call('ListOpenIDConnectProviders', async () => (await client.send(new sdk.ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList?.map((p) => p.Arn ?? '') ?? []),
    getOpenIdConnectProvider: (arn) =>
      call('GetOpenIDConnectProvider', async () => {
        const answer = await client.send(new sdk.GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
        return { arn, clientIds: answer.ClientIDList ?? [] };
      }),
    createOpenIdConnectProvider: (url, clientIds) =>
      // No thumbprints: IAM verifies GitHub's certificate against its trusted CAs, and fetches one for other hosts.
      call('CreateOpenIDConnectProvider', async () => (await client.send(new sdk.CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: [...clientIds] }))).OpenIDConnectProviderArn ?? ''),
    addClientIdToOpenIdConnectProvider: (arn, clientId) =>
      call('AddClientIDToOpenIDConnectProvider', async () => {
        await client.send(new sdk.AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: clientId }));
      }),
    getRole: (roleName) =>
      call('GetRole', async (): Promise<ObservedRole | undefined> => {
        const role = (await unlessNoSuchEntity(client.send(new sdk.GetRoleCommand({ RoleName: roleName }))))?.Role;
        if (role === undefined) return undefined;
        return {
          arn: role.Arn ?? '',
          // IAM answers the document URL-encoded.
          trustPolicy: decodeURIComponent(role.AssumeRolePolicyDocument ?? ''),
          maxSessionDuration: role.MaxSessionDuration ?? 3600,
          ...(role.PermissionsBoundary?.PermissionsBoundaryArn !== undefined ? { permissionsBoundary: role.PermissionsBoundary.PermissionsBoundaryArn } : {}),
          ...(role.Description !== undefined ? { description: role.Description } : {}),
        };
      }),
    policyExists: (policyArn) =>
      call('GetPolicy', async () => (await unlessNoSuchEntity(client.send(new sdk.GetPolicyCommand({ PolicyArn: policyArn })))) !== undefined),
    listAttachedRolePolicies: (roleName) =>
      call('ListAttachedRolePolicies', async () => {
        const arns: string[] = [];
        for await (const page of sdk.paginateListAttachedRolePolicies({ client }, { RoleName: roleName })) {
          for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn !== undefined) arns.push(policy.PolicyArn);
        }
        return arns;
      }),
    createRole: (input) =>
      call('CreateRole', async () => {
        const answer = await client.send(
          new sdk.CreateRoleCommand({
            RoleName: input.roleName,
            AssumeRolePolicyDocument: input.trustPolicy,
            Description: input.description,
            MaxSessionDuration: input.maxSessionDuration,
            ...(input.permissionsBoundary !== undefined ? { PermissionsBoundary: input.permissionsBoundary } : {}),
          }),
        );
        return answer.Role?.Arn ?? '';
      }),
    updateAssumeRolePolicy: (roleName, trustPolicy) =>
      call('UpdateAssumeRolePolicy', async () => {
        await client.send(new sdk.UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trustPolicy }));
      }),
    updateMaxSessionDuration: (roleName, seconds) =>
      call('UpdateRole', async () => {
        await client.send(new sdk.UpdateRoleCommand({ RoleName: roleName, MaxSessionDuration: seconds }));
      }),
    putRolePermissionsBoundary: (roleName, policyArn) =>
      call('PutRolePermissionsBoundary', async () => {
        await client.send(new sdk.PutRolePermissionsBoundaryCommand({ RoleName: roleName, PermissionsBoundary: policyArn }));
      }),
    attachRolePolicy: (roleName, policyArn) =>
      call('AttachRolePolicy', async () => {
        await client.send(new sdk.AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
      }),
  };
}
