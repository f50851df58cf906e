/** The loopback IAM against the real @aws-sdk/client-iam, and on the wire: Query protocol, XML, SigV4. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AddClientIDToOpenIDConnectProviderCommand,
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
  paginateListRoles,
  PutRolePermissionsBoundaryCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { DEFAULT_IAM_KEY, IAM_XML_NAMESPACE, startLocalIam, type IamAccessKey, type LocalIam } from '../../src/local/iam.js';
import { signRequest } from '../../src/local/sigv4.js';

const GH = 'token.actions.githubusercontent.com';
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${GH}`;

function trust(sub = 'repo:octo-org/octo-repo:environment:prod', principal = PROVIDER_ARN): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: principal },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: sub } },
      },
    ],
  });
}

let iam: LocalIam;
beforeEach(async () => {
  iam = await startLocalIam({ policies: ['arn:aws:iam::123456789012:policy/deploy-boundary'] });
});
afterEach(() => iam.close());

function client(key: IamAccessKey = DEFAULT_IAM_KEY, region = 'us-east-1'): IAMClient {
  return new IAMClient({ region, endpoint: iam.url, maxAttempts: 1, credentials: key });
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, ...(e.$metadata?.httpStatusCode !== undefined ? { status: e.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected the call to fail');
}

/** A request signed like the SDK signs it, sent with fetch, for looking at the raw answer. */
async function signedPost(params: Record<string, string>, key: IamAccessKey = DEFAULT_IAM_KEY, scope = { region: 'us-east-1', service: 'iam' }): Promise<Response> {
  const body = new URLSearchParams(params).toString();
  const url = new URL(iam.url);
  const signed = signRequest(
    { method: 'POST', path: '/', headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
    { ...key, ...scope },
  );
  return fetch(`${iam.url}/`, { method: 'POST', headers: signed.headers, body });
}

describe('OIDC providers through the SDK', () => {
  it('creates, lists and describes a provider; the URL comes back without https://', async () => {
    const iamClient = client();
    const created = await iamClient.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${GH}`, ClientIDList: ['sts.amazonaws.com'] }));
    expect(created.OpenIDConnectProviderArn).toBe(PROVIDER_ARN);
    const list = await iamClient.send(new ListOpenIDConnectProvidersCommand({}));
    expect(list.OpenIDConnectProviderList).toEqual([{ Arn: PROVIDER_ARN }]);
    const got = await iamClient.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }));
    expect(got.Url).toBe(GH);
    expect(got.ClientIDList).toEqual(['sts.amazonaws.com']);
    expect(got.CreateDate).toBeInstanceOf(Date);
  });

  it('refuses a second provider for the URL, and an unknown ARN, with IAM codes and statuses', async () => {
    const iamClient = client();
    await iamClient.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${GH}`, ClientIDList: ['sts.amazonaws.com'] }));
    expect(await failure(iamClient.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${GH}`, ClientIDList: ['x'] })))).toEqual({
      name: 'EntityAlreadyExistsException',
      message: `Provider with url https://${GH} already exists.`,
      status: 409,
    });
    const other = `arn:aws:iam::123456789012:oidc-provider/${GH}/acme`;
    expect(await failure(iamClient.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: other })))).toEqual({
      name: 'NoSuchEntityException',
      message: `OpenIDConnect Provider not found for arn ${other}`,
      status: 404,
    });
  });

  it('adds a client id once, however often it is asked', async () => {
    iam.addProvider(`https://${GH}`, ['other']);
    const iamClient = client();
    for (let i = 0; i < 2; i++) await iamClient.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN, ClientID: 'sts.amazonaws.com' }));
    expect(iam.providers.get(GH)!.clientIds).toEqual(['other', 'sts.amazonaws.com']);
  });
});

describe('roles through the SDK', () => {
  it('refuses a trust policy whose OIDC provider does not exist, as IAM does', async () => {
    expect(await failure(client().send(new CreateRoleCommand({ RoleName: 'deploy', AssumeRolePolicyDocument: trust() })))).toEqual({
      name: 'MalformedPolicyDocumentException',
      message: `Invalid principal in policy: "Federated":"${PROVIDER_ARN}"`,
      status: 400,
    });
    expect(iam.roles.size).toBe(0);
  });

  it('creates a role and answers its trust policy URL-encoded; names are unique regardless of case', async () => {
    iam.addProvider(`https://${GH}`);
    const iamClient = client();
    const created = await iamClient.send(
      new CreateRoleCommand({ RoleName: 'Deploy', AssumeRolePolicyDocument: trust(), MaxSessionDuration: 7200, Description: 'd', PermissionsBoundary: 'arn:aws:iam::123456789012:policy/deploy-boundary' }),
    );
    expect(created.Role?.Arn).toBe('arn:aws:iam::123456789012:role/Deploy');
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    const got = await iamClient.send(new GetRoleCommand({ RoleName: 'deploy' }));
    expect(got.Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(trust()));
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(trust());
    expect(got.Role?.MaxSessionDuration).toBe(7200);
    expect(got.Role?.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/deploy-boundary' });
    expect(await failure(iamClient.send(new CreateRoleCommand({ RoleName: 'DEPLOY', AssumeRolePolicyDocument: trust() })))).toEqual({
      name: 'EntityAlreadyExistsException',
      message: 'Role with name DEPLOY already exists.',
      status: 409,
    });
    expect(await failure(iamClient.send(new GetRoleCommand({ RoleName: 'nobody' })))).toEqual({
      name: 'NoSuchEntityException',
      message: 'The role with name nobody cannot be found.',
      status: 404,
    });
  });

  it('validates like IAM: invalid JSON, session duration, the size quota', async () => {
    iam.addProvider(`https://${GH}`);
    const iamClient = client();
    expect(await failure(iamClient.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: '{"Version":' })))).toMatchObject({ name: 'MalformedPolicyDocumentException', message: 'This policy contains invalid Json' });
    expect(await failure(iamClient.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: trust(), MaxSessionDuration: 100 })))).toMatchObject({
      message: "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
      status: 400,
    });
    const long = trust(Array.from({ length: 60 }, (_, i) => `repo:octo-org/octo-repo:environment:e${i}`) as unknown as string);
    expect(await failure(iamClient.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: long })))).toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for ACLSizePerRole: 2048',
      status: 409,
    });
  });

  it('updates the trust policy and settings, attaches policies once, lists them', async () => {
    iam.addProvider(`https://${GH}`);
    const iamClient = client();
    await iamClient.send(new CreateRoleCommand({ RoleName: 'deploy', AssumeRolePolicyDocument: trust() }));
    await iamClient.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'deploy', PolicyDocument: trust('repo:octo-org/octo-repo:ref:refs/heads/main') }));
    await iamClient.send(new UpdateRoleCommand({ RoleName: 'deploy', MaxSessionDuration: 43200 }));
    await iamClient.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'deploy', PermissionsBoundary: 'arn:aws:iam::123456789012:policy/deploy-boundary' }));
    for (let i = 0; i < 2; i++) await iamClient.send(new AttachRolePolicyCommand({ RoleName: 'deploy', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const role = iam.roles.get('deploy')!;
    expect(JSON.parse(role.assumeRolePolicyDocument).Statement[0].Condition.StringEquals[`${GH}:sub`]).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(role.maxSessionDuration).toBe(43200);
    expect(role.permissionsBoundary).toBe('arn:aws:iam::123456789012:policy/deploy-boundary');
    const attached = await iamClient.send(new ListAttachedRolePoliciesCommand({ RoleName: 'deploy' }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]);
    expect(attached.IsTruncated).toBe(false);
    expect(await failure(iamClient.send(new AttachRolePolicyCommand({ RoleName: 'deploy', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' })))).toEqual({
      name: 'NoSuchEntityException',
      message: 'Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.',
      status: 404,
    });
  });
});

describe('ListRoles pagination', () => {
  beforeEach(() => {
    for (let i = 0; i < 7; i++) iam.addRole({ name: `role-${i}`, assumeRolePolicyDocument: trust(`repo:o/r${i}:ref:refs/heads/main`), path: i < 2 ? '/ci/' : '/' });
  });

  it('pages with Marker, IsTruncated and MaxItems, and the SDK paginator sees every role once', async () => {
    const iamClient = client();
    const first = await iamClient.send(new ListRolesCommand({ MaxItems: 3 }));
    expect(first.Roles).toHaveLength(3);
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toEqual(expect.any(String));
    const second = await iamClient.send(new ListRolesCommand({ MaxItems: 3, Marker: first.Marker! }));
    expect(second.Roles!.map((r) => r.RoleName)).not.toContain(first.Roles![0]!.RoleName);
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListRoles({ client: iamClient, pageSize: 2 }, {})) {
      pages++;
      for (const role of page.Roles ?? []) names.push(role.RoleName!);
    }
    expect(pages).toBe(4);
    expect(names.sort()).toEqual(['role-0', 'role-1', 'role-2', 'role-3', 'role-4', 'role-5', 'role-6']);
    const one = second.Roles![0]!;
    expect(decodeURIComponent(one.AssumeRolePolicyDocument!)).toContain('"Version":"2012-10-17"');
    expect(one.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22%3A/);
    expect(one.PermissionsBoundary).toBeUndefined();
  });

  it('filters by PathPrefix; refuses a bad marker and an out-of-range MaxItems', async () => {
    const iamClient = client();
    const ci = await iamClient.send(new ListRolesCommand({ PathPrefix: '/ci/' }));
    expect(ci.Roles!.map((r) => r.Arn)).toEqual(['arn:aws:iam::123456789012:role/ci/role-0', 'arn:aws:iam::123456789012:role/ci/role-1']);
    expect(ci.IsTruncated).toBe(false);
    expect(await failure(iamClient.send(new ListRolesCommand({ Marker: 'not a marker!' })))).toMatchObject({ name: 'InvalidInputException', status: 400 });
    expect(await failure(iamClient.send(new ListRolesCommand({ MaxItems: 1001 })))).toMatchObject({ status: 400, message: expect.stringMatching(/at 'maxItems' failed to satisfy constraint/) });
  });
});

describe('the wire: SigV4 and the Query protocol', () => {
  it('answers with IAM element names in the 2010-05-08 namespace', async () => {
    iam.addProvider(`https://${GH}`);
    const response = await signedPost({ Action: 'ListOpenIDConnectProviders', Version: '2010-05-08' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml');
    const xml = await response.text();
    expect(xml).toContain(`<ListOpenIDConnectProvidersResponse xmlns="${IAM_XML_NAMESPACE}">`);
    expect(xml).toContain(`<OpenIDConnectProviderList>\n      <member>\n        <Arn>${PROVIDER_ARN}</Arn>`);
    expect(xml).toMatch(/<ResponseMetadata>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>/);
  });

  it('refuses an unsigned request, a wrong secret, an unknown key, another service or region, and a missing session token', async () => {
    const unsigned = await fetch(`${iam.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListRoles&Version=2010-05-08' });
    expect(unsigned.status).toBe(403);
    const xml = await unsigned.text();
    expect(xml).toContain(`<ErrorResponse xmlns="${IAM_XML_NAMESPACE}">`);
    expect(xml).toMatch(/<Type>Sender<\/Type>\s*<Code>MissingAuthenticationToken<\/Code>/);

    expect(await failure(client({ ...DEFAULT_IAM_KEY, secretAccessKey: 'wrong' }).send(new ListRolesCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(await failure(client({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }).send(new ListRolesCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await failure(client(DEFAULT_IAM_KEY, 'eu-west-1').send(new ListRolesCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', message: expect.stringMatching(/valid region/) });
    const asSts = await signedPost({ Action: 'ListRoles', Version: '2010-05-08' }, DEFAULT_IAM_KEY, { region: 'us-east-1', service: 'sts' });
    expect(asSts.status).toBe(403);
    expect(await asSts.text()).toContain('Credential should be scoped to correct service: &apos;iam&apos;.');
    await iam.close();

    const session = { accessKeyId: 'ASIAKEYLESSLOCAL0001', secretAccessKey: 's', sessionToken: 'token-1' };
    iam = await startLocalIam({ keys: [session] });
    expect((await client(session).send(new ListRolesCommand({}))).Roles).toEqual([]);
    const { sessionToken: _dropped, ...withoutToken } = session;
    expect(await failure(client(withoutToken).send(new ListRolesCommand({})))).toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('refuses another API version or an unknown action, and records every call with its status', async () => {
    const old = await signedPost({ Action: 'ListRoles', Version: '2006-03-01' });
    expect(old.status).toBe(400);
    expect(await old.text()).toContain('<Code>InvalidAction</Code>');
    const unknown = await signedPost({ Action: 'DeleteEverything', Version: '2010-05-08' });
    expect(await unknown.text()).toContain('Could not find operation DeleteEverything for version 2010-05-08');
    expect(iam.calls.map((c) => [c.action, c.status])).toEqual([
      ['ListRoles', 400],
      ['DeleteEverything', 400],
    ]);
    expect(iam.writeCalls()).toEqual([]);
  });

  it('answers an injected failure once, for the action named', async () => {
    iam.failNext({ action: 'GetRole', status: 400, code: 'Throttling', message: 'Rate exceeded' });
    const iamClient = client();
    expect((await iamClient.send(new ListRolesCommand({}))).Roles).toEqual([]);
    expect(await failure(iamClient.send(new GetRoleCommand({ RoleName: 'x' })))).toMatchObject({ name: 'Throttling', message: 'Rate exceeded' });
    expect(await failure(iamClient.send(new GetRoleCommand({ RoleName: 'x' })))).toMatchObject({ name: 'NoSuchEntityException' });
  });
});
