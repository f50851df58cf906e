// An AWS SDK for JavaScript v3 consumer of a refreshing profile, in its own process
// (test/integration/consumers.test.ts).
//
//   node js-sdk-caller.mjs ENDPOINT COUNT from-ini PROFILE    fromIni({ profile }) given to the client
//   node js-sdk-caller.mjs ENDPOINT COUNT default-chain       the client's default chain (AWS_PROFILE)
//
// Calls sts get-caller-identity COUNT times through one client; prints the ARNs, never a secret.
// fromIni is @aws-sdk/credential-provider-ini, the package that @aws-sdk/credential-providers
// re-exports and that @aws-sdk/client-sts's default chain uses (installed with client-sts).
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-provider-ini';

const [endpoint, count, mode, profile] = process.argv.slice(2);
if (mode !== 'from-ini' && mode !== 'default-chain') throw new Error(`unknown mode ${mode}`);
const client = new STSClient({ endpoint, ...(mode === 'from-ini' ? { credentials: fromIni({ profile }) } : {}) });
const arns = [];
for (let i = 0; i < Number(count); i++) arns.push((await client.send(new GetCallerIdentityCommand({}))).Arn);
console.log(JSON.stringify({ arns }));
