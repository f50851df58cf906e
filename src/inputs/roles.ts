/**
 * Which role: a fixed ARN, a table keyed by the verified token's environment claim, or (with
 * role-chaining) a bare role name in the source account; and the region, in the roles' partition.
 * Pure.
 */
import { show } from '../shared/errors.js';
import { ACCOUNT_ID, parseRoleArn, partitionOfRegion, PARTITIONS, REGION, type RoleArn } from './aws-names.js';
import type { RunContext } from './context.js';
import type { Inputs } from './input-reader.js';

/** A role name without an ARN: with role-chaining, configure-aws-credentials takes it as a role in the source account. */
const BARE_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export interface Roles {
  readonly role: RoleArn | undefined;
  readonly roleByEnvironment: Map<string, RoleArn>;
  /** role-chaining with a bare role name: resolved once the source account is known. */
  readonly roleName: string | undefined;
}

export function parseRoles(inputs: Inputs, roleChaining: boolean): Roles {
  const roleInput = inputs.text('role-to-assume');
  const byEnvironmentInput = inputs.text('role-by-environment');
  let role: RoleArn | undefined;
  let roleName: string | undefined;
  if (roleInput !== '') {
    role = parseRoleArn(roleInput);
    if (!role && roleChaining && BARE_ROLE_NAME.test(roleInput)) roleName = roleInput;
    else if (!role) {
      inputs.problem(
        'role-to-assume',
        roleInput,
        `an IAM role ARN such as arn:aws:iam::123456789012:role/deploy (partition one of ${PARTITIONS.join(', ')}, a 12-digit account, role name of 1–64 characters [A-Za-z0-9+=,.@_-]); a bare role name only with role-chaining: true`,
      );
    }
  }
  const roleByEnvironment = new Map<string, RoleArn>();
  for (const line of byEnvironmentInput.split(/\r?\n/).map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const environment = colon > 0 ? line.slice(0, colon).trim() : '';
    const parsed = colon > 0 ? parseRoleArn(line.slice(colon + 1).trim()) : undefined;
    if (!parsed || environment === '') {
      inputs.problem('role-by-environment', line, 'lines of "environment: role ARN", e.g. "production: arn:aws:iam::123456789012:role/deploy-prod"');
    } else if (roleByEnvironment.has(environment)) {
      inputs.problem('role-by-environment', line, `each environment once; ${show(environment)} is listed twice`);
    } else {
      roleByEnvironment.set(environment, parsed);
    }
  }
  if (roleInput !== '' && byEnvironmentInput !== '') {
    inputs.problem('role-by-environment', undefined, 'either role-to-assume or role-by-environment, not both');
  } else if (roleInput === '' && byEnvironmentInput === '') {
    inputs.problem('role-to-assume', '', 'the ARN of the IAM role to assume (or the input role-by-environment)');
  }
  return { role, roleByEnvironment, roleName };
}

/** The input, else AWS_REGION, else AWS_DEFAULT_REGION, as the AWS CLI and SDKs do; in the roles' partition. */
export function parseRegion(inputs: Inputs, context: RunContext, roles: readonly (RoleArn | undefined)[]): string {
  const regionInput = inputs.text('aws-region');
  const region = regionInput || context.aws.region?.value || '';
  if (region === '') {
    inputs.problem('aws-region', '', 'an AWS region such as us-east-1 (or AWS_REGION or AWS_DEFAULT_REGION set in the environment)');
  } else if (!REGION.test(region)) {
    inputs.problem(regionInput ? 'aws-region' : `aws-region (from ${context.aws.region?.from})`, region, 'an AWS region such as us-east-1 or eu-west-2');
  } else {
    const other = roles.find((role) => role && role.partition !== partitionOfRegion(region));
    if (other) {
      inputs.problem(
        'aws-region',
        region,
        `a region in the role's partition ${show(other.partition)} (${region} is in ${show(partitionOfRegion(region))}); STS in one partition cannot assume a role in another`,
      );
    }
  }
  return region;
}

/** allowed-account-ids, checked against every role ARN now: a role outside the list fails before any request. */
export function parseAllowedAccounts(inputs: Inputs, roles: Roles): string[] {
  const allowedAccountIds = inputs.list('allowed-account-ids');
  for (const id of allowedAccountIds) {
    if (!ACCOUNT_ID.test(id)) inputs.problem('allowed-account-ids', id, 'comma-separated 12-digit AWS account ids');
  }
  if (allowedAccountIds.length === 0 || !allowedAccountIds.every((id) => ACCOUNT_ID.test(id))) return allowedAccountIds;
  const candidates = [['role-to-assume', roles.role] as const, ...[...roles.roleByEnvironment.values()].map((r) => ['role-by-environment', r] as const)];
  for (const [input, candidate] of candidates) {
    if (candidate && !allowedAccountIds.includes(candidate.account)) {
      inputs.problem(input, candidate.arn, `a role in an account that allowed-account-ids lists (${allowedAccountIds.join(', ')}); this role is in account ${candidate.account}`);
    }
  }
  return allowedAccountIds;
}
