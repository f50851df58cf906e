// npm run bench:cache: what the credential cache saves a refreshing profile, measured, never asserted.
//
//   npm run bench:cache                       loopback
//   npm run bench:cache -- --latency 50       50 ms added to every answer (token, discovery, JWKS, STS)
//   npm run bench:cache -- --calls 20         sequential AWS CLI calls per scenario (default 10)
//   npm run bench:cache -- --runs 50          runs per timing figure (default 30)
//   npm run bench:cache -- --write-readme     also write README's credential-cache figures
//
// One job (one RUNNER_TEMP): the built action writes a refreshing profile, then the real AWS CLI
// (Debian's /usr/bin/aws) and the credential process itself run against the loopback issuer and
// STS, which count the token requests and AssumeRoleWithWebIdentity calls.
//   1. N sequential `aws sts get-caller-identity` calls: after the action (cache seeded), on a cold
//      cache, and without a cache (what every call cost before the cache: a copy of the profile whose
//      configuration lies outside any job folder, run with no RUNNER_TEMP).
//   2. 8 concurrent calls on a cold cache (xargs -P8), through the CLI and through the process alone.
//   3. The credential process's own wall time: a cache hit against a bare `node -e ''` (interleaved),
//      and a miss (a refresh), on each Node found.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, nodeBinaries, runAction } from '../lib/local/harness.js';
import { startLocalIssuer } from '../lib/local/issuer.js';
import { startLocalSts } from '../lib/local/sts.js';
import { writeReadmeBlock } from './bench-report.mjs';

/** What the README's block states: request counts per scenario, and the process's own times. */
const report = { sequential: [], concurrent: undefined, timings: [] };

const { values: flags } = parseArgs({
  options: {
    calls: { type: 'string', default: '10' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '30' },
    latency: { type: 'string', default: '0' },
    'write-readme': { type: 'boolean', default: false },
  },
});
const CALLS = Number(flags.calls);
const RUNS = Number(flags.runs);
const LATENCY_MS = Number(flags.latency);
const AWS_CLI = ['/usr/bin/aws', '/usr/local/bin/aws'].find((path) => existsSync(path));
const PROCESS_ENTRY = join(ROOT, 'dist', 'credential-process', 'index.js');

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9) };
};
const row = (label, s) => console.log(`  ${label.padEnd(52)}${s.median.toFixed(1).padStart(8)}${s.p10.toFixed(1).padStart(8)}${s.p90.toFixed(1).padStart(8)}`);

/** One program run: wall time, exit code, output. */
function timed(command, args, env) {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

async function must(result, what) {
  const run = await result;
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}):\n${run.stderr}`);
  return run;
}

const issuer = await startLocalIssuer();
// No trusted issuer: this STS does not fetch the JWKS itself, so each of its answers takes exactly the added latency.
const sts = await startLocalSts();
if (LATENCY_MS > 0) {
  issuer.setLatency(LATENCY_MS);
  sts.setDefault({ kind: 'slow', delayMs: LATENCY_MS });
}
const runnerTemp = mkdtempSync(join(tmpdir(), 'keyless-bench-cache-'));
const cacheDir = join(runnerTemp, 'keyless', 'cache', 'credentials');
const clearCache = () => rmSync(cacheDir, { recursive: true, force: true });
const runnerNode = nodeBinaries().find((b) => b.label.startsWith('node v24')) ?? nodeBinaries()[0];

const step = await runAction({
  node: runnerNode.path,
  inputs: { 'role-to-assume': 'arn:aws:iam::123456789012:role/deploy', 'aws-region': 'us-east-1', 'oidc-issuer': issuer.url, 'refresh-credentials': 'true', 'aws-profile': 'long' },
  env: { RUNNER_TEMP: runnerTemp, ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken, AWS_ENDPOINT_URL_STS: sts.url },
});
if (step.exitCode !== 0) throw new Error(`the action failed:\n${step.stdout}`);
const configFile = join(runnerTemp, 'keyless', 'aws', 'credential-process', 'long.json');
const home = mkdtempSync(join(tmpdir(), 'keyless-bench-home-'));
/** The profile's config file again, its credential_process reading a copy of its configuration in HOME (no job folder). */
function profileWithoutJobFolder() {
  const copy = join(home, 'long.json');
  copyFileSync(configFile, copy);
  const awsConfig = join(home, 'config');
  writeFileSync(awsConfig, readFileSync(step.env.AWS_CONFIG_FILE, 'utf8').replace(configFile, copy), { mode: 0o600 });
  return awsConfig;
}
/** A later step's environment: what the action exported, the runner's token variables, a clean HOME. */
const stepEnv = {
  PATH: process.env.PATH ?? '',
  HOME: home,
  RUNNER_TEMP: runnerTemp,
  AWS_EC2_METADATA_DISABLED: 'true',
  ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
  ...Object.fromEntries(Object.entries(step.env).filter(([, value]) => value !== '')),
  // As the step's log advises: with aws-profile, the profile is chosen by name.
  AWS_PROFILE: 'long',
};
const assumptions = () => sts.calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity').length;
const tokenRequests = () => issuer.requests.filter((r) => r.path === '/_apis/token').length;
const keyRequests = () => issuer.requests.filter((r) => r.path.startsWith('/.well-known/')).length;
const cli = (env = stepEnv) => must(timed(AWS_CLI, ['sts', 'get-caller-identity', '--endpoint-url', sts.url, '--output', 'json'], env), 'aws sts get-caller-identity');

console.log(`Credential cache benchmark: ${LATENCY_MS} ms added to every answer; ${runnerNode.label} runs the action and the profile's credential process`);
console.log(`  the action step: ${assumptions()} AssumeRoleWithWebIdentity, ${tokenRequests()} token request(s); the cache now holds its credentials`);

async function sequential(label, prepare, env) {
  prepare();
  const before = { assume: assumptions(), token: tokenRequests(), keys: keyRequests() };
  const times = [];
  for (let i = 0; i < CALLS; i++) times.push((await cli(env)).ms);
  const s = stats(times);
  report.sequential.push({ label, assume: assumptions() - before.assume, token: tokenRequests() - before.token, keys: keyRequests() - before.keys });
  console.log(
    `  ${label.padEnd(46)} ${String(assumptions() - before.assume).padStart(3)} STS assumptions, ${String(tokenRequests() - before.token).padStart(3)} tokens, ${String(keyRequests() - before.keys).padStart(3)} discovery/JWKS; per call median ${s.median.toFixed(0)} ms (p10 ${s.p10.toFixed(0)}, p90 ${s.p90.toFixed(0)})`,
  );
}

if (AWS_CLI) {
  console.log(`\n1. ${CALLS} sequential AWS CLI calls (aws sts get-caller-identity, AWS_PROFILE=long)`);
  await sequential('after the action (cache seeded by it)', () => undefined, stepEnv);
  await sequential('on a cold cache', clearCache, stepEnv);
  // The program finds the job's folder from its configuration's path: a copy of the profile whose
  // configuration lies outside any job folder, run with no RUNNER_TEMP, has no cache at all.
  await sequential('without the cache (no job folder: as before)', () => undefined, {
    ...stepEnv,
    RUNNER_TEMP: '',
    AWS_CONFIG_FILE: profileWithoutJobFolder(),
  });

  console.log('\n2. 8 concurrent calls on a cold cache');
  clearCache();
  const before = { assume: assumptions(), token: tokenRequests(), keys: keyRequests() };
  await Promise.all(Array.from({ length: 8 }, () => cli()));
  report.concurrent = { assume: assumptions() - before.assume, token: tokenRequests() - before.token, keys: keyRequests() - before.keys };
  console.log(`  AWS CLI (as xargs -P8 aws ...): ${report.concurrent.assume} STS assumption(s), ${report.concurrent.token} token request(s) for 8 calls`);
} else {
  console.log('\n(no AWS CLI at /usr/bin/aws: scenarios 1 and 2 through the CLI skipped)');
}
clearCache();
let beforeProcess = assumptions();
const concurrent = await Promise.all(Array.from({ length: 8 }, () => must(timed(runnerNode.path, [PROCESS_ENTRY, '--config', configFile], stepEnv), 'credential process')));
console.log(`  credential process alone, 8 at once: ${assumptions() - beforeProcess} STS assumption(s); slowest ${Math.max(...concurrent.map((r) => r.ms)).toFixed(0)} ms`);

console.log(`\n3. the credential process itself, ${RUNS} runs each, interleaved           median     p10     p90  (ms)`);
for (const { label, path: node } of nodeBinaries()) {
  const samples = { bare: [], hit: [], miss: [] };
  const runProcess = () => must(timed(node, [PROCESS_ENTRY, '--config', configFile], stepEnv), 'credential process');
  await runProcess();
  for (let i = 0; i < RUNS; i++) {
    samples.bare.push((await timed(node, ['-e', ''], stepEnv)).ms);
    samples.hit.push((await runProcess()).ms);
    clearCache();
    samples.miss.push((await runProcess()).ms);
  }
  const bare = stats(samples.bare);
  const hit = stats(samples.hit);
  console.log(`  ${label}`);
  row("bare node -e ''", bare);
  row('cache hit', hit);
  row('cache miss (a refresh: token, JWKS kept, STS)', stats(samples.miss));
  console.log(`  a hit costs ${(hit.median - bare.median).toFixed(1)} ms more than a bare node start (median against median)`);
  report.timings.push({ label, bare: bare.median, hit: hit.median, miss: stats(samples.miss).median });
}
console.log(`\nbundle: dist/credential-process/index.js ${(readFileSync(PROCESS_ENTRY).length / 1024).toFixed(1)} KiB is all a hit loads`);
if (flags['write-readme']) {
  const ms = (n) => `${n.toFixed(0)} ms`;
  const block = [
    `Measured by \`npm run bench:cache -- --write-readme\` on ${new Date().toISOString().slice(0, 10)} (the real AWS CLI, Debian's \`awscli\`, against the loopback issuer and STS, ${CALLS} calls per row, ${LATENCY_MS > 0 ? `${LATENCY_MS} ms added to every answer` : 'no latency added'}):`,
    '',
    '| | STS assumptions | token requests | discovery + JWKS requests |',
    '|---|---|---|---|',
    ...report.sequential.map((r) => `| ${CALLS} sequential \`aws sts get-caller-identity\`, ${r.label} | ${r.assume} | ${r.token} | ${r.keys} |`),
    ...(report.concurrent === undefined ? [] : [`| 8 concurrent CLI calls on a cold cache (\`xargs -P8\`) | ${report.concurrent.assume} | ${report.concurrent.token} | ${report.concurrent.keys} |`]),
    '',
    `The program's own wall time, medians of ${RUNS} runs interleaved with a bare \`node -e ''\`:`,
    '',
    `| | bare \`node -e ''\` | cache hit | cache miss (a refresh) |`,
    '|---|---|---|---|',
    ...report.timings.map((t) => `| ${t.label} | ${ms(t.bare)} | ${ms(t.hit)} (+${(t.hit - t.bare).toFixed(0)}) | ${ms(t.miss)} |`),
    '',
    `A hit loads only \`dist/credential-process/index.js\` (${Math.round(readFileSync(PROCESS_ENTRY).length / 1024)} KiB): no jose, no AWS SDK, no \`node:crypto\`.`,
  ].join('\n');
  writeReadmeBlock(ROOT, 'bench-cache', 'npm run bench:cache -- --write-readme', block);
  console.log('\nREADME.md: credential-cache figures written from these results');
}
await Promise.all([issuer.close(), sts.close()]);
rmSync(runnerTemp, { recursive: true, force: true });
rmSync(home, { recursive: true, force: true });
