/**
 * `npm start`: the whole flow on this machine, no AWS account needed. Starts the embedded OIDC
 * issuer and STS, runs the built action (dist/index.js, which `npm start` has just built from
 * src/) against them exactly as the runner would, and shows what a later step sees, secrets
 * masked as the runner masks them. The scenarios are in scenarios.ts; `--help` lists them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startLocalIssuer } from './issuer.js';
import { startLocalSts } from './sts.js';
import { ROOT, runAction, type ActionRun } from './harness.js';
import { formatAuditRecords, formatRun, heading, stsCallsLine } from './demo-print.js';
import {
  conditionKeyNote,
  DEMO_AUDIENCE,
  DEMO_ROLE_ARN,
  demoExitCode,
  demoHelp,
  demoTrustPolicy,
  parseDemoArgs,
  scenarioList,
  trustPolicyAuthorizer,
  type Scenario,
} from './scenarios.js';

/** A later deploy step: the SDK picks the exported credentials up from the environment. */
async function laterStep(run: ActionRun, stsUrl: string): Promise<void> {
  const client = new STSClient({
    region: run.env.AWS_REGION,
    endpoint: stsUrl,
    credentials: {
      accessKeyId: run.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: run.env.AWS_SECRET_ACCESS_KEY!,
      sessionToken: run.env.AWS_SESSION_TOKEN!,
    },
  });
  const identity = await client.send(new GetCallerIdentityCommand({}));
  client.destroy();
  console.log(heading('a later step calls sts:GetCallerIdentity (SigV4-signed) with those credentials'));
  console.log(`Arn=${identity.Arn}\nAccount=${identity.Account}`);
}

/**
 * The demo job's RUNNER_TEMP, kept after the run (and emptied before the next) so that the paths
 * it prints, such as the output audit-file, can be opened. Ignored by git.
 */
const DEMO_RUNNER_TEMP = join(ROOT, '.demo', 'runner-temp');

/** The audit record the action appended (output audit-file), as a later step or an auditor reads it. */
function showAuditRecord(run: ActionRun): void {
  const file = run.outputs['audit-file'];
  if (!file || !existsSync(file)) return;
  console.log(heading(`audit record (output audit-file, kept at ${JSON.stringify(file)})`));
  console.log(formatAuditRecords(readFileSync(file, 'utf8')));
}

async function runScenario(scenario: Scenario): Promise<number> {
  const issuer = await startLocalIssuer({ ...(scenario.claims ? { claims: scenario.claims } : {}) });
  const policy = demoTrustPolicy(issuer.url);
  const sts = await startLocalSts({
    trustedIssuer: { url: issuer.url, jwksUrl: `${issuer.url}/.well-known/jwks`, audiences: [DEMO_AUDIENCE] },
    authorize: trustPolicyAuthorizer(policy),
  });
  if (scenario.forcedAudience) issuer.setRunnerTokenOptions({ claims: { aud: scenario.forcedAudience } });
  const dir = mkdtempSync(join(tmpdir(), 'keyless-demo-'));
  try {
    console.log(`Scenario ${scenario.name}: ${scenario.story}\n`);
    console.log(`Local OIDC issuer ${issuer.url}, local STS ${sts.url}; running dist/index.js\n`);
    const policyFile = join(dir, 'trust-policy.json');
    if (scenario.showTrustPolicy) {
      writeFileSync(policyFile, `${JSON.stringify(policy, null, 2)}\n`);
      const given = scenario.trustPolicyInput ? `, given as the input trust-policy` : '';
      console.log(heading(`the demo role's trust policy (${policyFile}${given})`));
      console.log(JSON.stringify(policy, null, 2));
      console.log(`${conditionKeyNote(issuer.url)}\n`);
    }
    rmSync(DEMO_RUNNER_TEMP, { recursive: true, force: true });
    const run = await runAction({
      runnerTemp: DEMO_RUNNER_TEMP,
      inputs: {
        'role-to-assume': DEMO_ROLE_ARN,
        'aws-region': 'us-east-1',
        'oidc-issuer': issuer.url,
        ...(scenario.trustPolicyInput ? { 'trust-policy': policyFile } : {}),
      },
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken, AWS_ENDPOINT_URL_STS: sts.url },
    });
    console.log(formatRun(run));
    const stsCalls = sts.calls.length;
    console.log(stsCallsLine(sts.calls));
    showAuditRecord(run);
    if (run.exitCode === 0) await laterStep(run, sts.url);
    const code = demoExitCode(scenario.expect, run.exitCode, stsCalls);
    if (code !== 0) console.error(`\nThe demo did not go as scenario ${scenario.name} expects (${scenario.expect}): see the log above.`);
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([issuer.close(), sts.close()]);
  }
}

async function main(): Promise<number> {
  const args = parseDemoArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    process.stdout.write(demoHelp());
    return 0;
  }
  if (args.kind === 'reach') return (await import('./reach-demo.js')).runReachDemo();
  if (args.kind === 'unknown') {
    process.stderr.write(`unknown scenario ${JSON.stringify(args.given)}; the scenarios are:\n${scenarioList()}\n`);
    return 2;
  }
  return runScenario(args.scenario);
}

process.exitCode = await main();
