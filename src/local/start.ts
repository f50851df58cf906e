/**
 * `npm start`: the whole flow on this machine, no AWS account needed. Starts the embedded OIDC
 * issuer and STS, runs the built action (dist/index.js) against them exactly as the runner
 * would, and shows what a later step sees, secrets masked as the runner masks them.
 *
 *   npm start                      a deploy that works
 *   npm start -- access-denied     STS refuses the role: see how the action explains it
 *   npm start -- wrong-audience    a token for another audience, refused before STS
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startLocalIssuer } from './issuer.js';
import { startLocalSts } from './sts.js';
import { runAction, type ActionRun } from './harness.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/deploy';
const SCENARIOS = ['deploy', 'access-denied', 'wrong-audience'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** What the runner does with ::add-mask::: every later occurrence of a masked value becomes ***. */
function masked(text: string, masks: readonly string[]): string {
  return [...masks].sort((a, b) => b.length - a.length).reduce((out, secret) => out.split(secret).join('***'), text);
}

function printRun(run: ActionRun): void {
  const log = run.stdout
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .map((line) => line.replace(/^::(error|warning)::/, '$1: ').replace(/%0A/g, '\n       ').replace(/%0D/g, '').replace(/%25/g, '%'));
  console.log('── action log (as the runner shows it) ──');
  console.log(masked(log.join('\n'), run.masks));
  console.log(`── exit code ${run.exitCode}, ${run.durationMs.toFixed(0)} ms ──`);
  if (Object.keys(run.env).length > 0) {
    console.log('── environment of later steps (GITHUB_ENV) ──');
    for (const [name, value] of Object.entries(run.env)) console.log(`${name}=${masked(value, run.masks)}`);
  }
  if (Object.keys(run.outputs).length > 0) {
    console.log('── step outputs (GITHUB_OUTPUT) ──');
    for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}=${masked(value, run.masks)}`);
  }
}

async function main(): Promise<void> {
  const scenario = (process.argv[2] ?? 'deploy') as Scenario;
  if (!SCENARIOS.includes(scenario)) {
    console.error(`unknown scenario ${JSON.stringify(process.argv[2])}; expected one of: ${SCENARIOS.join(', ')}`);
    process.exit(2);
  }
  const issuer = await startLocalIssuer();
  const sts = await startLocalSts({
    trustedIssuer: { url: issuer.url, jwksUrl: `${issuer.url}/.well-known/jwks`, audiences: ['sts.amazonaws.com'] },
    // The demo role trusts only the main branch of octo-org/octo-repo, as a real policy would.
    authorize: (claims) => scenario !== 'access-denied' && claims.sub === 'repo:octo-org/octo-repo:ref:refs/heads/main',
  });
  if (scenario === 'wrong-audience') issuer.setRunnerTokenOptions({ claims: { aud: 'https://github.com/octo-org' } });
  try {
    console.log(`Local OIDC issuer ${issuer.url}, local STS ${sts.url}; running dist/index.js (scenario: ${scenario})\n`);
    const run = await runAction({
      inputs: { 'role-to-assume': ROLE_ARN, 'aws-region': 'us-east-1', 'oidc-issuer': issuer.url },
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken, AWS_ENDPOINT_URL_STS: sts.url },
    });
    printRun(run);
    if (run.exitCode === 0) {
      // A later deploy step: the SDK picks the exported credentials up from the environment.
      const client = new STSClient({
        region: run.env.AWS_REGION,
        endpoint: sts.url,
        credentials: {
          accessKeyId: run.env.AWS_ACCESS_KEY_ID!,
          secretAccessKey: run.env.AWS_SECRET_ACCESS_KEY!,
          sessionToken: run.env.AWS_SESSION_TOKEN!,
        },
      });
      const identity = await client.send(new GetCallerIdentityCommand({}));
      client.destroy();
      console.log('── a later step calls sts:GetCallerIdentity (SigV4-signed) with those credentials ──');
      console.log(`Arn=${identity.Arn}\nAccount=${identity.Account}`);
    }
    process.exitCode = scenario === 'deploy' ? (run.exitCode ?? 1) : run.exitCode === 1 ? 0 : 1;
  } finally {
    await Promise.all([issuer.close(), sts.close()]);
  }
}

await main();
