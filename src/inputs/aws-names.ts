/** What AWS accepts as role and policy ARNs, regions, partitions, session and profile names. Pure. */

export interface RoleArn {
  readonly arn: string;
  readonly partition: string;
  readonly account: string;
  readonly name: string;
}

export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];
const PARTITION_PATTERN = PARTITIONS.map((p) => p.replace(/-/g, '\\-')).join('|');
/**
 * The role ARN up to the path; path and name are split at the last `/` in code, not by the pattern:
 * a nested quantifier there (`(?:[!-~]+/)*`) backtracked exponentially (92 characters took 85 s).
 * Every pattern here is linear in the length of what it reads.
 */
const ROLE_ARN_PREFIX = new RegExp(`^arn:(${PARTITION_PATTERN}):iam::(\\d{12}):role/`);
/** The path (sliced at the last `/`): empty, or printable ASCII ending in `/`, as the old pattern had it. */
const ROLE_PATH = /^(?:[\x21-\x7E]+\/)?$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
export const POLICY_ARN = new RegExp(`^arn:(${PARTITION_PATTERN}):iam::(\\d{12}|aws):policy/[\\x21-\\x7E]+$`);
export const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** Strict on purpose: the name becomes an ini section header, so nothing that could close or start one. */
export const PROFILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
export const ACCOUNT_ID = /^\d{12}$/;
/** AWS caps sessions assumed with role credentials (role chaining) at one hour. */
export const CHAINED_SESSION_LIMIT_SECONDS = 3600;

/** Region prefixes that live outside the commercial partition. */
const REGION_PARTITIONS: readonly [RegExp, string][] = [
  [/^cn-/, 'aws-cn'],
  [/^us-gov-/, 'aws-us-gov'],
  [/^us-iso-/, 'aws-iso'],
  [/^us-isob-/, 'aws-iso-b'],
  [/^eu-isoe-/, 'aws-iso-e'],
  [/^us-isof-/, 'aws-iso-f'],
  [/^eusc-/, 'aws-eusc'],
];

export function partitionOfRegion(region: string): string {
  return REGION_PARTITIONS.find(([prefix]) => prefix.test(region))?.[1] ?? 'aws';
}

export function parseRoleArn(value: string): RoleArn | undefined {
  const match = ROLE_ARN_PREFIX.exec(value);
  if (!match) return undefined;
  const rest = value.slice(match[0].length);
  const slash = rest.lastIndexOf('/');
  const path = rest.slice(0, slash + 1);
  const name = rest.slice(slash + 1);
  if (!ROLE_PATH.test(path) || !ROLE_NAME.test(name)) return undefined;
  return { arn: value, partition: match[1]!, account: match[2]!, name };
}

/** `GitHubActions-<run id>-<attempt>`: recognisable in CloudTrail and traceable to the run. */
export function defaultSessionName(run: { readonly id: string | undefined; readonly attempt: string | undefined }): string {
  const parts = ['GitHubActions', run.id, run.attempt].filter((part): part is string => !!part).map((part) => part.replace(/[^\w+=,.@-]/g, '_'));
  return parts.join('-').slice(0, 64);
}
