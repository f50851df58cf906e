/** What `keyless setup aws` is asked to set up, checked: the runs to admit and the role around them. Pure. */
import { generateTrustPolicy, type GenerateOptions } from '../trust/index.js';
import { conditionKeyPrefix, GITHUB_ISSUER } from '../trust/keys.js';

/** cloudformation-json: the same template as cloudformation, as a JSON file that CloudFormation deploys as it is. */
export const OUTPUT_FORMATS = ['cloudformation', 'cloudformation-json', 'terraform', 'aws-cli'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const DEFAULT_MAX_SESSION_SECONDS = 3600;
export const DEFAULT_REGION = 'us-east-1';

/** The checked intent. `trust` always has the issuer, partition and audience filled in. */
export interface SetupIntent {
  readonly trust: GenerateOptions & { readonly issuer: string; readonly partition: string; readonly audience: string };
  readonly roleName: string;
  /** True when the role name was derived from the repository rather than given. */
  readonly roleNameDefaulted: boolean;
  /** Every repository, as given (`OWNER/REPO` or `OWNER@ID/REPO@ID`). */
  readonly repositories: readonly string[];
  readonly description: string;
  readonly maxSessionDuration: number;
  /** False when maxSessionDuration is the default: an existing role then keeps its own. */
  readonly maxSessionDurationGiven: boolean;
  readonly policyArns: readonly string[];
  readonly permissionsBoundary?: string;
  /** For the workflow's `aws-region`. */
  readonly region: string;
  /** True when the region was not given (the workflow then says us-east-1). */
  readonly regionDefaulted: boolean;
}

/** Raw values, as the CLI parsed them. */
export interface SetupInput {
  readonly trust: GenerateOptions;
  readonly roleName?: string;
  readonly maxSessionDuration?: string;
  readonly policyArns?: readonly string[];
  readonly permissionsBoundary?: string;
  readonly region?: string;
}

/** Bad input; `option` is the GenerateOptions field or setup option at fault. */
export class SetupInputError extends Error {
  override readonly name = 'SetupInputError';
  constructor(readonly option: string, message: string) {
    super(message);
  }
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_ARN = /^arn:([a-z-]+):iam::(\d{12}|aws):policy\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,128}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** The region that IAM (a global service) signs requests in, per partition. */
export const IAM_SIGNING_REGION: Readonly<Record<string, string>> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-iso': 'us-iso-east-1',
  'aws-iso-b': 'us-isob-east-1',
  'aws-iso-e': 'eu-isoe-west-1',
  'aws-iso-f': 'us-isof-south-1',
  'aws-eusc': 'eusc-de-east-1',
};

function defaultRoleName(repository: string): string {
  const repo = repository.replace(/^[^/]*\//, '').replace(/@\d+$/, '');
  return `github-actions-${repo}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

function checkPolicyArn(option: string, arn: string, partition: string, what: string): string {
  const m = POLICY_ARN.exec(arn);
  if (!m) {
    throw new SetupInputError(option, `${what} ${JSON.stringify(arn)} is not a managed policy ARN (arn:${partition}:iam::aws:policy/NAME or arn:${partition}:iam::ACCOUNT_ID:policy/NAME)`);
  }
  if (m[1] !== partition) throw new SetupInputError(option, `${what} ${JSON.stringify(arn)} is in partition ${m[1]}, but the role is in ${partition} (--partition)`);
  return arn;
}

/** Checks every value; throws {@link SetupInputError} or GenerateError naming the option. */
export function checkSetupInput(input: SetupInput): SetupIntent {
  const partition = input.trust.partition ?? 'aws';
  const trust = {
    ...input.trust,
    issuer: (input.trust.issuer ?? GITHUB_ISSUER).replace(/\/+$/, ''),
    partition,
    audience: input.trust.audience ?? 'sts.amazonaws.com',
  };
  // The generator checks the runs, the ids, the account, partition, audience and issuer.
  generateTrustPolicy(trust);

  const roleName = input.roleName ?? defaultRoleName(trust.repository);
  if (!ROLE_NAME.test(roleName)) {
    throw new SetupInputError('roleName', `role name ${JSON.stringify(roleName)} must be 1 to 64 characters from letters, digits and + = , . @ _ -`);
  }
  const durationText = input.maxSessionDuration ?? String(DEFAULT_MAX_SESSION_SECONDS);
  const maxSessionDuration = /^\d{1,6}$/.test(durationText) ? Number(durationText) : NaN;
  if (!(maxSessionDuration >= 3600 && maxSessionDuration <= 43200)) {
    throw new SetupInputError('maxSessionDuration', `maximum session duration ${JSON.stringify(durationText)} must be a whole number of seconds from 3600 (1 hour) to 43200 (12 hours)`);
  }
  const policyArns: string[] = [];
  for (const arn of input.policyArns ?? []) {
    if (!policyArns.includes(arn)) policyArns.push(checkPolicyArn('policyArns', arn, partition, 'policy'));
  }
  if (policyArns.length > 20) throw new SetupInputError('policyArns', `${policyArns.length} managed policies given; IAM attaches at most 20 to a role`);
  const boundary = input.permissionsBoundary;
  if (boundary !== undefined) checkPolicyArn('permissionsBoundary', boundary, partition, 'permissions boundary');

  const region = input.region ?? DEFAULT_REGION;
  if (!REGION.test(region)) throw new SetupInputError('region', `region ${JSON.stringify(region)} is not an AWS region name (e.g. eu-west-1)`);
  const regionPartition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : undefined;
  if (regionPartition !== undefined && regionPartition !== partition) {
    throw new SetupInputError('region', `region ${region} is in partition ${regionPartition}, but the role is in ${partition} (--partition)`);
  }

  const repositories = [trust.repository, ...(trust.additionalRepositories ?? [])];
  return {
    trust,
    roleName,
    roleNameDefaulted: input.roleName === undefined,
    repositories,
    description: `GitHub Actions OIDC role for ${repositories.join(', ')} (keyless setup aws)`.slice(0, 1000),
    maxSessionDuration,
    maxSessionDurationGiven: input.maxSessionDuration !== undefined,
    policyArns,
    ...(boundary !== undefined ? { permissionsBoundary: boundary } : {}),
    region,
    regionDefaulted: input.region === undefined,
  };
}

/** `token.actions.githubusercontent.com[/slug]` or `HOST/_services/token`: the provider's ARN suffix and condition-key prefix. */
export function providerPath(intent: SetupIntent): string {
  return conditionKeyPrefix(intent.trust.issuer);
}

/** The provider's URL as IAM stores it (`https://` + host and path). */
export function providerUrl(intent: SetupIntent): string {
  return `https://${providerPath(intent)}`;
}

export function providerArn(intent: SetupIntent, account: string): string {
  return `arn:${intent.trust.partition}:iam::${account}:oidc-provider/${providerPath(intent)}`;
}

export function roleArn(intent: SetupIntent, account: string): string {
  return `arn:${intent.trust.partition}:iam::${account}:role/${intent.roleName}`;
}
