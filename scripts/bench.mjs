// npm run bench: start-up and end-to-end cost of the built action, measured, never asserted.
//
//   npm run bench                          loopback, then the network model at 20 and 50 ms
//   npm run bench -- --round-trips 20,50,80 other round trips for the network model
//   npm run bench -- --runs 50             more runs per measurement (default 30)
//   npm run bench -- --compare DIR         also run configure-aws-credentials from DIR (a checkout
//                                          of aws-actions/configure-aws-credentials: DIR/action.yml,
//                                          DIR/dist/index.js, or its git directory, read at
//                                          --compare-ref, default v6.2.3), interleaved, against the
//                                          same fakes
//   npm run bench -- --network-only        only the network model
//   npm run bench -- --write-readme        also write README's Speed section from the results
//
// Every figure is the median wall time from process start to exit after exporting, over repeated
// runs against the loopback issuer and STS, interleaved with a bare `node -e ''` as the reference.
// The network model (bench-network.mjs, bench-model.mjs): https hosts behind relays that cost a
// round trip per new connection and half a round trip per chunk each way.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ACTION_ENTRY, ROOT, nodeBinaries, runAction } from '../lib/local/harness.js';
import { startLocalIssuer } from '../lib/local/issuer.js';
import { startLocalSts } from '../lib/local/sts.js';
import { renderSpeedSection, writeReadmeSection } from './bench-report.mjs';
import { measureNetwork } from './bench-model.mjs';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '30' },
    'round-trips': { type: 'string', default: '20,50' },
    compare: { type: 'string' },
    'compare-ref': { type: 'string', default: 'v6.2.3' },
    'write-readme': { type: 'boolean', default: false },
    'network-only': { type: 'boolean', default: false },
  },
});
const RUNS = Number(flags.runs);
const ROUND_TRIPS_MS = flags['round-trips'].split(',').map(Number);
const ROLE = 'arn:aws:iam::123456789012:role/deploy';

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9) };
}
const ms = (n) => `${n.toFixed(1)} ms`;
const row = (label, s) => console.log(`  ${label.padEnd(44)}${s.median.toFixed(1).padStart(8)}${s.p10.toFixed(1).padStart(8)}${s.p90.toFixed(1).padStart(8)}`);

/** Wall time and peak RSS of one bare process, via GNU time when present. */
function timeBare(node, extraEnv = {}) {
  const gnuTime = existsSync('/usr/bin/time');
  return new Promise((done) => {
    const started = performance.now();
    // The same bare environment as the action's runs get from the harness: a variable such as
    // NODE_EXTRA_CA_CERTS (set on some machines; Node 20 reads the file at start) would skew it.
    const env = { PATH: process.env.PATH ?? '', ...extraEnv };
    const child = spawn(gnuTime ? '/usr/bin/time' : node, gnuTime ? ['-f', 'KEYLESS_MAXRSS_KB=%M', node, '-e', ''] : ['-e', ''], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', () => done({ ms: performance.now() - started, rssKb: Number(/KEYLESS_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN) }));
  });
}

/**
 * The competitor, run exactly as the runner would: its action.yml defaults, its dist/index.js.
 * DIR is a checkout, or a git directory (such as a bare clone) whose --compare-ref is extracted
 * into a temp folder that cleanup() removes.
 */
function competitor() {
  if (!flags.compare) return undefined;
  let dir = resolve(flags.compare);
  let cleanup = () => {};
  if (!existsSync(join(dir, 'action.yml')) && existsSync(join(dir, 'HEAD'))) {
    const checkout = mkdtempSync(join(tmpdir(), 'keyless-bench-cac-'));
    cleanup = () => rmSync(checkout, { recursive: true, force: true });
    try {
      execFileSync('sh', ['-c', 'git --git-dir="$1" archive "$2" action.yml dist | tar -x -C "$3"', 'sh', dir, flags['compare-ref'], checkout]);
    } catch (error) {
      cleanup();
      throw new Error(`--compare ${dir}: could not read action.yml and dist/ at ${flags['compare-ref']}: ${error.message}`);
    }
    dir = checkout;
  }
  const entry = join(dir, 'dist', 'index.js');
  const actionYml = join(dir, 'action.yml');
  if (!existsSync(entry) || !existsSync(actionYml)) throw new Error(`--compare ${dir}: expected action.yml and dist/index.js there`);
  const version = existsSync(join(dir, 'package.json')) ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version : undefined;
  return { label: 'configure-aws-credentials', entry, actionYml, cleanup, version: version ?? flags['compare-ref'] };
}

async function run(node, target, inputs, env, prefix) {
  const result = await runAction({ node, inputs, env, prefix, entry: target?.entry, actionYml: target?.actionYml ?? join(ROOT, 'action.yml') });
  if (result.exitCode !== 0) throw new Error(`${target?.label ?? 'keyless'} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** One RSS sample of a successful run, under GNU time. */
async function rssOf(node, target, inputs, env) {
  if (!existsSync('/usr/bin/time')) return NaN;
  const result = await run(node, target, inputs, env, ['/usr/bin/time', '-f', 'KEYLESS_MAXRSS_KB=%M']);
  return Number(/KEYLESS_MAXRSS_KB=(\d+)/.exec(result.stderr)?.[1] ?? NaN);
}

async function main() {
  if (!existsSync(ACTION_ENTRY)) throw new Error('dist/index.js is missing: npm run build');
  const cac = competitor();
  if (cac) cacToClean.cleanup = cac.cleanup;
  const distFiles = readdirSync(join(ROOT, 'dist')).filter((file) => file.endsWith('.js'));
  const mainBytes = statSync(ACTION_ENTRY).size;
  const chunkBytes = distFiles.filter((file) => file !== 'index.js').reduce((sum, file) => sum + statSync(join(ROOT, 'dist', file)).size, 0);
  console.log(`Keyless benchmark: ${RUNS} runs per figure, interleaved with a bare \`node -e ''\`${cac ? ` and ${cac.label} (${cac.entry})` : ''}`);
  console.log(`bundle: dist/index.js ${(mainBytes / 1024).toFixed(0)} KiB (loaded at start) + chunks loaded on demand ${(chunkBytes / 1024).toFixed(0)} KiB`);

  const issuer = await startLocalIssuer();
  const sts = await startLocalSts({ trustedIssuer: { url: issuer.url, jwksUrl: `${issuer.url}/.well-known/jwks`, audiences: ['sts.amazonaws.com'] } });
  const inputs = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'oidc-issuer': issuer.url };
  const env = { ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken, AWS_ENDPOINT_URL_STS: sts.url };

  const results = { loopback: [], network: {}, runs: RUNS, loadAverage: loadavg()[0], date: new Date().toISOString().slice(0, 10), competitor: cac && `configure-aws-credentials ${cac.version} (its published dist/index.js)` };
  for (const { label, path: node } of flags['network-only'] ? [] : nodeBinaries()) {
    const isRunnerNode = label.startsWith('node v24');
    const samples = { bare: [], keyless: [], later: [], cac: [], started: [], tokenAndKeys: [], sts: [], bareRss: [], keylessRss: [], cacRss: [] };
    // Later invocations in one job share RUNNER_TEMP: the issuer's keys are in its key cache.
    const jobTemp = mkdtempSync(join(tmpdir(), 'keyless-bench-job-'));
    await timeBare(node);
    await run(node, undefined, inputs, env);
    if (cac && isRunnerNode) await run(node, cac, inputs, env);
    for (let i = 0; i < RUNS; i++) {
      const bare = await timeBare(node);
      samples.bare.push(bare.ms);
      samples.bareRss.push(bare.rssKb);
      samples.keyless.push((await run(node, undefined, inputs, env)).durationMs);
      // The stage timings come from a run of their own: debug output is not free, and the
      // competitor's runs print none.
      const traced = await run(node, undefined, inputs, { ...env, RUNNER_DEBUG: '1' });
      const timing = /timing: pipeline started ([\d.]+), token and keys ([\d.]+), STS ([\d.]+)/.exec(traced.stdout);
      if (timing) [samples.started, samples.tokenAndKeys, samples.sts].forEach((list, k) => list.push(Number(timing[k + 1])));
      const later = await run(node, undefined, inputs, { ...env, RUNNER_TEMP: jobTemp });
      if (i > 0) samples.later.push(later.durationMs);
      if (cac && isRunnerNode) samples.cac.push((await run(node, cac, inputs, env)).durationMs);
    }
    rmSync(jobTemp, { recursive: true, force: true });
    for (let i = 0; i < Math.min(RUNS, 10); i++) {
      samples.keylessRss.push(await rssOf(node, undefined, inputs, env));
      if (cac && isRunnerNode) samples.cacRss.push(await rssOf(node, cac, inputs, env));
    }
    const bare = stats(samples.bare);
    const keyless = stats(samples.keyless);
    console.log(`\n${label} (${node}), loopback                          median     p10     p90  (ms)`);
    row("bare node -e ''", bare);
    row('keyless, first invocation in a job', keyless);
    row('keyless, later invocation in the same job', stats(samples.later));
    if (samples.cac.length > 0) row(cac.label, stats(samples.cac));
    const m = (xs) => stats(xs).median;
    console.log(`  keyless = ${(keyless.median / bare.median).toFixed(2)}× a bare node start` + (samples.cac.length > 0 ? `, ${(keyless.median / m(samples.cac)).toFixed(2)}× ${cac.label}` : ''));
    if (samples.started.length > 0) {
      console.log(`  inside keyless (ms since process start): modules loaded ${m(samples.started).toFixed(1)}, token + keys ${m(samples.tokenAndKeys).toFixed(1)}, STS answered ${m(samples.sts).toFixed(1)}`);
    }
    const mib = (xs) => (m(xs.filter(Number.isFinite)) / 1024).toFixed(1);
    if (samples.keylessRss.some(Number.isFinite)) {
      console.log(`  peak RSS: bare ${mib(samples.bareRss)} MiB, keyless ${mib(samples.keylessRss)} MiB` + (samples.cacRss.length > 0 ? `, ${cac.label} ${mib(samples.cacRss)} MiB` : ''));
    }
    results.loopback.push({
      label: `${label}${isRunnerNode ? ' (the runner\'s)' : ''}`,
      bare: bare.median,
      keyless: keyless.median,
      later: m(samples.later),
      cac: samples.cac.length > 0 ? m(samples.cac) : undefined,
      keylessRssMiB: Number(mib(samples.keylessRss)),
      cacRssMiB: samples.cacRss.length > 0 ? Number(mib(samples.cacRss)) : undefined,
    });
  }

  await Promise.all([issuer.close(), sts.close()]);
  const runnerNode = nodeBinaries().find((b) => b.label.startsWith('node v24')) ?? nodeBinaries()[0];
  results.network = await measureNetwork({ node: runnerNode, cac, runs: Math.max(10, RUNS), roundTripsMs: ROUND_TRIPS_MS, timeBare, run, row, stats });
  if (flags['write-readme']) {
    writeReadmeSection(ROOT, renderSpeedSection(results, ROOT));
    console.log('\nREADME.md: Speed section written from these results');
  }
}

const cacToClean = { cleanup: () => {} };
try {
  await main();
} finally {
  cacToClean.cleanup();
}
