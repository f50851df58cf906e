// npm run bench:throttle: wide matrix builds against an STS that throttles at random, with the
// action's default inputs. Measured, never asserted: each batch starts N runs of dist/index.js at
// once and reports how many succeeded, the distribution of STS attempts and the slowest run.
//
//   npm run bench:throttle                          5 batches of 100 at 30 %, 5 batches of 50 at 50 %
//   npm run bench:throttle -- --batches 2           fewer batches
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { ROOT, runAction } from '../lib/local/harness.js';
import { startLocalIssuer } from '../lib/local/issuer.js';
import { startLocalSts } from '../lib/local/sts.js';

const { values: flags } = parseArgs({ options: { batches: { type: 'string', default: '5' } } });
const BATCHES = Number(flags.batches);
const SCENARIOS = [
  { runs: 100, rate: 0.3 },
  { runs: 50, rate: 0.5 },
];

const issuer = await startLocalIssuer();
const sts = await startLocalSts({ trustedIssuer: { url: issuer.url, jwksUrl: `${issuer.url}/.well-known/jwks`, audiences: ['sts.amazonaws.com'] } });
const inputs = { 'role-to-assume': 'arn:aws:iam::123456789012:role/deploy', 'aws-region': 'us-east-1', 'oidc-issuer': issuer.url };
const env = { ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken, AWS_ENDPOINT_URL_STS: sts.url };
const attemptsOf = (run) => (run.stdout.match(/STS attempt \d+ of \d+ failed/g) ?? []).length + 1;
/** The error code of each failed STS attempt: Throttling is what the fake injects; others come from load. */
const failedAttemptCodes = (run) => [...run.stdout.matchAll(/STS attempt \d+ of \d+ failed \((?:HTTP \d+ )?([A-Za-z]+)/g)].map((m) => m[1]);

console.log(`Throttling benchmark: defaults from action.yml (retry-max-attempts, action-timeout-s), ${BATCHES} batch(es) per scenario`);
let allGreen = true;
for (const { runs, rate } of SCENARIOS) {
  const histogram = new Map();
  const causes = new Map();
  let failed = 0;
  let slowest = 0;
  const batchResults = [];
  for (let batch = 1; batch <= BATCHES; batch++) {
    sts.setThrottleRate(rate);
    const results = await Promise.all(
      Array.from({ length: runs }, (_, i) =>
        runAction({ inputs: { ...inputs, 'role-session-name': `matrix-${batch}-${i}` }, env, actionYml: join(ROOT, 'action.yml'), killAfterMs: 120_000 }),
      ),
    );
    sts.setThrottleRate(0);
    const batchFailed = results.filter((r) => r.exitCode !== 0);
    failed += batchFailed.length;
    batchResults.push(`${runs - batchFailed.length}/${runs}`);
    for (const run of results) {
      const attempts = attemptsOf(run);
      histogram.set(attempts, (histogram.get(attempts) ?? 0) + 1);
      for (const code of failedAttemptCodes(run)) causes.set(code, (causes.get(code) ?? 0) + 1);
      slowest = Math.max(slowest, run.durationMs);
    }
    for (const run of batchFailed.slice(0, 2)) console.log(`  a failed run said: ${run.errors.join(' | ').slice(0, 300)}`);
  }
  allGreen &&= failed === 0;
  const distribution = [...histogram.entries()]
    .sort(([a], [b]) => a - b)
    .map(([attempts, count]) => `${attempts}×${count}`)
    .join(', ');
  console.log(`\n${runs} concurrent runs, ${rate * 100} % of STS calls throttled, ${BATCHES} batches`);
  console.log(`  succeeded per batch: ${batchResults.join(', ')}${failed === 0 ? ' (every batch all green)' : ` (${failed} failed runs)`}`);
  console.log(`  STS attempts per run (attempts×runs): ${distribution}`);
  // InvalidIdentityToken ("Couldn't retrieve verification key") is the fake STS's own JWKS fetch
  // timing out while the machine runs every process at once: transient, and retried as real STS's is.
  console.log(`  failed STS attempts by error code: ${[...causes.entries()].sort(([, a], [, b]) => b - a).map(([code, n]) => `${code} ×${n}`).join(', ') || 'none'}`);
  console.log(`  slowest run: ${(slowest / 1000).toFixed(1)} s`);
}
await Promise.all([issuer.close(), sts.close()]);
process.exitCode = allGreen ? 0 : 1;
