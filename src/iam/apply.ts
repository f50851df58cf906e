/** `setup aws --apply` against an {@link IamApi}: read what exists (no writes), then carry out a plan's steps in order. */
import type { IamApi } from './client.js';
import type { SetupIntent } from './intent.js';
import { findProviderArn, PlanError, type ObservedState, type PlanStep, type SetupPlan } from './plan.js';
import { intendedTrustPolicy } from './trust.js';

/** Read-only calls: the providers, the one for the issuer, the role and its attached policies. */
export async function observe(api: IamApi, intent: SetupIntent): Promise<ObservedState> {
  const providerArns = await api.listOpenIdConnectProviders();
  const arn = findProviderArn(intent, providerArns);
  const [provider, role] = await Promise.all([arn === undefined ? undefined : api.getOpenIdConnectProvider(arn), api.getRole(intent.roleName)]);
  const attachedPolicies = role === undefined ? [] : await api.listAttachedRolePolicies(intent.roleName);
  // Every policy to attach or set as boundary must exist before the first write: no half-made role.
  const wanted = [...intent.policyArns, ...(intent.permissionsBoundary !== undefined ? [intent.permissionsBoundary] : [])].filter(
    (arn) => !attachedPolicies.includes(arn) && arn !== role?.permissionsBoundary,
  );
  const exists = await Promise.all(wanted.map((arn) => api.policyExists(arn)));
  const missingPolicies = wanted.filter((_, i) => !exists[i]);
  return {
    providerArns,
    ...(missingPolicies.length > 0 ? { missingPolicies } : {}),
    ...(provider !== undefined ? { provider } : {}),
    ...(role !== undefined ? { role: { ...role, attachedPolicies } } : {}),
  };
}

export interface ApplyResult {
  readonly account: string;
  readonly providerArn: string;
  readonly roleArn: string;
  /** One line per change made, in order. */
  readonly done: readonly string[];
}

function accountOf(arn: string): string {
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
  if (account === undefined) throw new Error(`IAM answered an ARN without an account: ${arn}`);
  return account;
}

/** The trust policy document IAM gets: the generator's, for the provider's account. */
export function trustPolicyDocument(intent: SetupIntent, account: string): string {
  return JSON.stringify(intendedTrustPolicy(intent, account), null, 2);
}

/**
 * Carries out the steps in order. The provider comes first: a role whose trust policy names a
 * provider that does not exist is refused by IAM, and a new provider's ARN tells the account.
 */
export async function executePlan(api: IamApi, intent: SetupIntent, plan: SetupPlan, progress: (line: string) => void): Promise<ApplyResult> {
  let providerArn = plan.providerArn;
  let roleArn = plan.roleArn;
  const done: string[] = [];
  const record = (line: string) => {
    done.push(line);
    progress(line);
  };
  const accountNow = () => plan.account ?? (providerArn !== undefined ? accountOf(providerArn) : undefined);
  for (const step of plan.steps) {
    await perform(step);
  }
  async function perform(step: PlanStep): Promise<void> {
    switch (step.kind) {
      case 'create-provider':
        providerArn = await api.createOpenIdConnectProvider(step.url, step.clientIds);
        record(`created the OIDC provider ${providerArn}`);
        // Only now does an empty account tell whose it is: stop before a role trusts another account's provider.
        if (plan.account !== undefined && accountOf(providerArn) !== plan.account) {
          throw new PlanError(`--account ${plan.account} was given, but these credentials are for account ${accountOf(providerArn)} (the OIDC provider was created there; nothing else was changed)`);
        }
        return;
      case 'add-client-id':
        await api.addClientIdToOpenIdConnectProvider(step.providerArn, step.clientId);
        return record(`added the audience ${step.clientId} to ${step.providerArn}`);
      case 'create-role': {
        const account = accountNow();
        if (account === undefined) throw new Error('the account is unknown when creating the role (a bug in keyless)');
        roleArn = await api.createRole({
          roleName: step.roleName,
          trustPolicy: trustPolicyDocument(intent, account),
          description: intent.description,
          maxSessionDuration: intent.maxSessionDuration,
          ...(intent.permissionsBoundary !== undefined ? { permissionsBoundary: intent.permissionsBoundary } : {}),
        });
        return record(`created the role ${roleArn}`);
      }
      case 'update-trust-policy':
        await api.updateAssumeRolePolicy(step.roleName, trustPolicyDocument(intent, accountNow()!));
        return record(`updated the trust policy of ${step.roleName}`);
      case 'update-max-session-duration':
        await api.updateMaxSessionDuration(step.roleName, step.to);
        return record(`set the maximum session duration of ${step.roleName} to ${step.to} s`);
      case 'put-permissions-boundary':
        await api.putRolePermissionsBoundary(step.roleName, step.to);
        return record(`set the permissions boundary of ${step.roleName} to ${step.to}`);
      case 'attach-policy':
        await api.attachRolePolicy(step.roleName, step.policyArn);
        return record(`attached ${step.policyArn} to ${step.roleName}`);
    }
  }
  const account = accountNow();
  if (account === undefined || providerArn === undefined || roleArn === undefined) throw new Error('the plan left the provider or the role unknown (a bug in keyless)');
  return { account, providerArn, roleArn, done };
}
