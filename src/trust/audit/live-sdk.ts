/**
 * The {@link RoleLister} over the AWS SDK's ListRoles paginator. The SDK finds credentials and the
 * endpoint itself (AWS_ENDPOINT_URL_IAM points it elsewhere, as the tests do); the region is given.
 */
import { READ_LIMITS } from '../../shared/bounded-read.js';
import { limitResponseBodies } from '../../shared/sdk-body-limit.js';
import type { RoleLister, RoleSummary } from './live.js';

export async function sdkRoleLister(options: { readonly region: string }): Promise<RoleLister> {
  const { IAMClient, paginateListRoles } = await import('@aws-sdk/client-iam');
  const client = new IAMClient({ region: options.region, maxAttempts: 3 });
  limitResponseBodies(client, READ_LIMITS.iamPage);
  return {
    async *listRoles(): AsyncIterable<readonly RoleSummary[]> {
      try {
        for await (const page of paginateListRoles({ client, pageSize: 100 }, {})) yield page.Roles ?? [];
      } finally {
        client.destroy();
      }
    },
  };
}
