/** The IAM calls `setup aws --apply` makes, as a small interface; the SDK implements it in sdk-client.ts, tests can too. */

export interface ObservedProvider {
  readonly arn: string;
  readonly clientIds: readonly string[];
}

export interface ObservedRole {
  readonly arn: string;
  /** The trust policy document, URL-decoded, as IAM stores it. */
  readonly trustPolicy: string;
  readonly maxSessionDuration: number;
  readonly permissionsBoundary?: string;
  readonly description?: string;
}

export interface CreateRoleInput {
  readonly roleName: string;
  readonly trustPolicy: string;
  readonly description: string;
  readonly maxSessionDuration: number;
  readonly permissionsBoundary?: string;
}

export interface IamApi {
  listOpenIdConnectProviders(): Promise<string[]>;
  getOpenIdConnectProvider(arn: string): Promise<ObservedProvider>;
  /** Returns the new provider's ARN. */
  createOpenIdConnectProvider(url: string, clientIds: readonly string[]): Promise<string>;
  addClientIdToOpenIdConnectProvider(arn: string, clientId: string): Promise<void>;
  /** Undefined when there is no such role. */
  getRole(roleName: string): Promise<ObservedRole | undefined>;
  /** Every page. */
  listAttachedRolePolicies(roleName: string): Promise<string[]>;
  /** Returns the new role's ARN. */
  createRole(input: CreateRoleInput): Promise<string>;
  updateAssumeRolePolicy(roleName: string, trustPolicy: string): Promise<void>;
  updateMaxSessionDuration(roleName: string, seconds: number): Promise<void>;
  putRolePermissionsBoundary(roleName: string, policyArn: string): Promise<void>;
  attachRolePolicy(roleName: string, policyArn: string): Promise<void>;
  /** False when IAM has no such managed policy. */
  policyExists(policyArn: string): Promise<boolean>;
}

/** An IAM call that failed: the action, AWS's error code and message. */
export class IamCallError extends Error {
  override readonly name = 'IamCallError';
  constructor(readonly action: string, readonly code: string, message: string, readonly status?: number) {
    super(message);
  }
}
