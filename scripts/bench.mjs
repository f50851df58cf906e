// npm run bench: start-up and end-to-end cost of the built action, measured, never asserted.
// For each Node binary: wall time from process start to exit after exporting credentials, over
// repeated runs of dist/index.js against the loopback issuer and STS, interleaved with a bare
// `node -e ''` in the same run as the reference; peak memory; bundle size; where the time goes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_ENTRY, ROOT, nodeBinaries, runAction } from '../lib/local/harness.js';
import { startLocalIssuer } from '../lib/local/issuer.js';
import { startLocalSts } from '../lib/local/sts.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);


/** Wall time and peak RSS of one process, via GNU time when present. */
function timeProcess(node, args, env) {
  const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  return new Promise((resolve) => {
    const started = performance.now();
    const command = gnuTime ? gnuTime : node;
    const commandArgs = gnuTime ? ['-f', 'KEYLESS_MAXRSS_KB=%M', node, ...args] : args;
    const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const rss = /KEYLESS_MAXRSS_KB=(\d+)/.exec(stderr)?.[1];
      resolve({ ms, code, maxRssKb: rss ? Number(rss) : undefined, stdout });
    });
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9), min: sorted[0], max: sorted.at(-1) };
}
const f = (n) => n.toFixed(1).padStart(7);

async function main() {
  if (!existsSync(ACTION_ENTRY)) throw new Error('dist/index.js is missing: npm run build');
  const distFiles = readdirSync(join(ROOT, 'dist')).filter((file) => file.endsWith('.js'));
  const mainBytes = statSync(ACTION_ENTRY).size;
  const chunkBytes = distFiles.filter((file) => file !== 'index.js').reduce((sum, file) => sum + statSync(join(ROOT, 'dist', file)).size, 0);

  const issuer = await startLocalIssuer();
  const sts = await startLocalSts({ trustedIssuer: { url: issuer.url, jwksUrl: `${issuer.url}/.well-known/jwks`, audiences: ['sts.amazonaws.com'] } });
  const inputs = { 'role-to-assume': 'arn:aws:iam::123456789012:role/deploy', 'aws-region': 'us-east-1', 'oidc-issuer': issuer.url, 'job-summary': 'true' };
  const env = { ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken, AWS_ENDPOINT_URL_STS: sts.url };

  console.log(`Keyless benchmark: ${RUNS} runs per Node binary, interleaved with a bare \`node -e ''\``);
  console.log(`bundle: dist/index.js ${(mainBytes / 1024).toFixed(0)} KiB (hot path) + lazily loaded chunks ${(chunkBytes / 1024).toFixed(0)} KiB = ${((mainBytes + chunkBytes) / 1024).toFixed(0)} KiB`);
  for (const { label: version, path } of nodeBinaries()) {
    const action = [];
    const bare = [];
    const rss = [];
    const bareRss = [];
    const stages = { started: [], tokenAndKeys: [], sts: [], exported: [] };
    // Later invocations in the same job share RUNNER_TEMP, and with it Node's compile cache.
    const warm = [];
    const jobTemp = mkdtempSync(join(tmpdir(), 'keyless-bench-job-'));
    // One warm-up each, not counted: the first start pays for a cold file cache.
    await timeProcess(path, ['-e', ''], process.env);
    await runAction({ node: path, inputs, env });
    for (let i = 0; i < RUNS; i++) {
      const b = await timeProcess(path, ['-e', ''], process.env);
      bare.push(b.ms);
      if (b.maxRssKb) bareRss.push(b.maxRssKb);
      const run = await runAction({ node: path, inputs, env: { ...env, RUNNER_DEBUG: '1' } });
      if (run.exitCode !== 0) throw new Error(`action failed:\n${run.stdout}\n${run.stderr}`);
      action.push(run.durationMs);
      const again = await runAction({ node: path, inputs, env: { ...env, RUNNER_TEMP: jobTemp } });
      if (again.exitCode !== 0) throw new Error(`action failed:\n${again.stdout}\n${again.stderr}`);
      if (i > 0) warm.push(again.durationMs);
      const timing = /timing: pipeline started ([\d.]+), token and keys ([\d.]+), STS ([\d.]+), exported ([\d.]+)/.exec(run.stdout);
      if (timing) {
        stages.started.push(Number(timing[1]));
        stages.tokenAndKeys.push(Number(timing[2]));
        stages.sts.push(Number(timing[3]));
        stages.exported.push(Number(timing[4]));
      }
    }
    // Peak memory needs GNU time around the process; measured on separate runs.
    for (let i = 0; i < Math.min(RUNS, 10); i++) {
      const scratch = await runActionWithRss(path, inputs, env);
      if (scratch) rss.push(scratch);
    }
    const a = stats(action);
    const r = stats(bare);
    console.log(`\n${version} (${path})`);
    console.log('                                    median    p10    p90    min    max  (ms)');
    console.log(`  bare node -e ''                  ${f(r.median)}${f(r.p10)}${f(r.p90)}${f(r.min)}${f(r.max)}`);
    console.log(`  action, end to end (first in job)${f(a.median)}${f(a.p10)}${f(a.p90)}${f(a.min)}${f(a.max)}`);
    const w = stats(warm);
    console.log(`  same, later invocation in a job ${f(w.median)}${f(w.p10)}${f(w.p90)}${f(w.min)}${f(w.max)}  (compile cache warm, where Node has one)`);
    console.log(`  ratio of medians: ${(a.median / r.median).toFixed(2)}× a bare node start (target ≤ 2×); later invocations ${(w.median / r.median).toFixed(2)}×`);
    if (stages.exported.length > 0) {
      const m = (xs) => stats(xs).median;
      console.log(
        `  inside the process (median ms since process start): modules loaded, pipeline starts ${m(stages.started).toFixed(1)}; token + JWKS ${m(stages.tokenAndKeys).toFixed(1)}; STS answered ${m(stages.sts).toFixed(1)}; exported ${m(stages.exported).toFixed(1)}`,
      );
    }
    if (rss.length > 0) console.log(`  peak RSS: action median ${(stats(rss).median / 1024).toFixed(1)} MiB, bare node ${(stats(bareRss).median / 1024).toFixed(1)} MiB`);
  }
  // On a real runner every request crosses a network. With the same latency on each response,
  // the stage timings show whether loading the SDK hides behind the token and JWKS requests.
  const LATENCY_MS = 40;
  issuer.setLatency(LATENCY_MS);
  // This STS does not fetch the issuer's keys itself, so its answer takes exactly the added latency.
  const remoteSts = await startLocalSts();
  remoteSts.setDefault({ kind: 'slow', delayMs: LATENCY_MS });
  const remoteEnv = { ...env, AWS_ENDPOINT_URL_STS: remoteSts.url };
  console.log(`\nWith ${LATENCY_MS} ms added to every issuer and STS response (a network, not a loopback), ${Math.ceil(RUNS / 3)} runs:`);
  for (const { label: version, path } of nodeBinaries()) {
    const durations = [];
    const stages = { started: [], tokenAndKeys: [], sts: [] };
    for (let i = 0; i < Math.ceil(RUNS / 3); i++) {
      const run = await runAction({ node: path, inputs, env: remoteEnv });
      if (run.exitCode !== 0) throw new Error(`action failed:\n${run.stdout}\n${run.stderr}`);
      durations.push(run.durationMs);
      const timing = /timing: pipeline started ([\d.]+), token and keys ([\d.]+), STS ([\d.]+)/.exec(run.stdout);
      if (timing) {
        stages.started.push(Number(timing[1]));
        stages.tokenAndKeys.push(Number(timing[2]));
        stages.sts.push(Number(timing[3]));
      }
    }
    const m = (xs) => stats(xs).median;
    const stsStage = m(stages.sts) - m(stages.tokenAndKeys);
    console.log(
      `  ${version}: median ${m(durations).toFixed(1)} ms; pipeline starts ${m(stages.started).toFixed(1)}, token + JWKS done ${m(stages.tokenAndKeys).toFixed(1)}, STS answered ${m(stages.sts).toFixed(1)} ` +
        `(STS stage ${stsStage.toFixed(1)} ms = ${LATENCY_MS} ms network + ${(stsStage - LATENCY_MS).toFixed(1)} ms in the SDK; token + JWKS stage ${(m(stages.tokenAndKeys) - m(stages.started)).toFixed(1)} ms against ${2 * LATENCY_MS} ms of network)`,
    );
  }
  await Promise.all([issuer.close(), sts.close(), remoteSts.close()]);
}

/** One action run under GNU time, for its peak RSS. */
async function runActionWithRss(node, inputs, env) {
  if (!existsSync('/usr/bin/time')) return undefined;
  const wrapper = join(ROOT, 'scripts', 'rss-node.sh');
  if (!existsSync(wrapper)) return undefined;
  const run = await runAction({ node: wrapper, inputs, env: { ...env, KEYLESS_REAL_NODE: node } });
  const kb = /KEYLESS_MAXRSS_KB=(\d+)/.exec(run.stderr)?.[1];
  return kb ? Number(kb) : undefined;
}

await main();
