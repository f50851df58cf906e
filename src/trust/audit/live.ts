/**
 * Roles of the caller's AWS account, through a small interface over IAM ListRoles (paginated).
 * The AWS SDK behind it lives in live-sdk.ts and is loaded only for `--live`.
 */
import type { FoundRole } from './types.js';

/** One role as ListRoles returns it (the policy URL-encoded). */
export interface RoleSummary {
  readonly RoleName?: string;
  readonly Arn?: string;
  readonly AssumeRolePolicyDocument?: string;
}

/** Lists every role, page by page. */
export interface RoleLister {
  listRoles(): AsyncIterable<readonly RoleSummary[]>;
}

export async function liveRoles(lister: RoleLister): Promise<FoundRole[]> {
  const out: FoundRole[] = [];
  for await (const page of lister.listRoles()) {
    for (const role of page) {
      const name = role.RoleName ?? role.Arn ?? '(unnamed role)';
      const document = role.AssumeRolePolicyDocument;
      out.push({
        role: name,
        ...(role.Arn !== undefined ? { roleArn: role.Arn } : {}),
        source: { format: 'live' },
        policies: document !== undefined ? [document] : [],
        notes: [],
        ...(document === undefined ? { trustsGitHub: false } : {}),
      });
    }
  }
  return out;
}
