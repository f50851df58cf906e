// node scripts/bench-reach.mjs [--workflows 300] [--roles 1000] [--runs 3]
//
// keyless reach at scale, measured, never asserted: N generated workflows (10 repositories, mixed
// triggers, environments, reusable-workflow calls) joined with M roles in one IAM list-roles file
// (each trusting one repository with a branch, environment, pull-request or wildcard subject).
// Each run is a fresh `node` process running the compiled CLI (lib/, from `npx tsc` or
// `npm run build`) on that input; it reports its wall time and peak RSS (getrusage maxrss).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values: flags } = parseArgs({ options: { workflows: { type: 'string', default: '300' }, roles: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } } });
const WORKFLOWS = Number(flags.workflows);
const ROLES = Number(flags.roles);
const RUNS = Number(flags.runs);
const REPOSITORIES = 10;
const root = join(import.meta.dirname, '..');
const main = pathToFileURL(join(root, 'lib', 'cli', 'main.js')).href;
const hostModule = pathToFileURL(join(root, 'lib', 'cli', 'host.js')).href;

const TRIGGERS = ['push:\n    branches: [main]', 'pull_request:', 'pull_request_target:', 'workflow_dispatch:', 'issue_comment:\n    types: [created]', "schedule:\n    - cron: '0 3 * * *'", 'push:\n    tags: [\'v*\']'];

function workflow(i) {
  const env = i % 3 === 0 ? `    environment: env-${i % 5}\n` : '';
  const call = i % 10 === 0 ? `  call:\n    permissions:\n      id-token: write\n    uses: ./.github/workflows/reusable.yml\n    with:\n      environment: env-${i % 5}\n` : '';
  return `name: w${i}\non:\n  ${TRIGGERS[i % TRIGGERS.length]}\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n  deploy:\n    needs: build\n    runs-on: ubuntu-latest\n${env}    permissions:\n      id-token: write\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/r${i % ROLES}\n          aws-region: us-east-1\n${call}`;
}

const REUSABLE = 'on:\n  workflow_call:\n    inputs:\n      environment:\n        type: string\njobs:\n  inner:\n    runs-on: ubuntu-latest\n    environment: ${{ inputs.environment }}\n    permissions:\n      id-token: write\n    steps:\n      - run: echo\n';

function role(i) {
  const repository = `org/repo-${i % REPOSITORIES}`;
  const subjects = [`repo:${repository}:ref:refs/heads/main`, `repo:${repository}:environment:env-${i % 5}`, `repo:${repository}:pull_request`, `repo:${repository}:*`, `repo:${repository}:ref:refs/tags/v*`];
  return {
    RoleName: `r${i}`,
    Arn: `arn:aws:iam::123456789012:role/r${i}`,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': subjects[i % subjects.length] } } }],
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-reach-'));
try {
  const args = ['reach', '--json'];
  for (let r = 0; r < REPOSITORIES; r++) {
    const folder = join(dir, `repo-${r}`, '.github', 'workflows');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'reusable.yml'), REUSABLE);
    args.push('--workflows', folder, '--repository', `org/repo-${r}`);
  }
  for (let i = 0; i < WORKFLOWS; i++) writeFileSync(join(dir, `repo-${i % REPOSITORIES}`, '.github', 'workflows', `w${i}.yml`), workflow(i));
  writeFileSync(join(dir, 'roles.json'), JSON.stringify({ Roles: Array.from({ length: ROLES }, (_, i) => role(i)) }));
  args.push(join(dir, 'roles.json'));
  const child = `
    const started = performance.now();
    const { run } = await import(${JSON.stringify(main)});
    const { nodeHost } = await import(${JSON.stringify(hostModule)});
    let out = '';
    const code = await run(${JSON.stringify(args)}, { stdout: (t) => (out += t), stderr: (t) => process.stderr.write(t), readFile: () => '', version: 'bench', host: nodeHost({ cwd: ${JSON.stringify(dir)}, awsRegion: 'us-east-1' }), env: {} });
    const doc = JSON.parse(out);
    console.log(JSON.stringify({ code, ms: performance.now() - started, maxRssMiB: process.resourceUsage().maxRSS / 1024, roles: doc.roles.length, paths: doc.roles.reduce((n, r) => n + r.paths.length, 0), findings: doc.findings.length }));
  `;
  const results = [];
  for (let i = 0; i < RUNS; i++) results.push(JSON.parse(execFileSync(process.execPath, [...(process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=" + process.env.BENCH_PROF] : []), '--input-type=module', '-e', child], { encoding: 'utf8', maxBuffer: 1 << 30 })));
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const rss = results.map((r) => r.maxRssMiB).sort((a, b) => a - b);
  const { roles, paths, findings, code } = results[0];
  console.log(`keyless reach: ${WORKFLOWS} workflows (${REPOSITORIES} repositories) × ${ROLES} roles, ${RUNS} runs, Node ${process.version}`);
  console.log(`  exit ${code}; ${roles} roles, ${paths} admitted paths, ${findings} findings`);
  console.log(`  wall time: median ${ms[Math.floor(ms.length / 2)].toFixed(0)} ms (min ${ms[0].toFixed(0)}, max ${ms.at(-1).toFixed(0)})`);
  console.log(`  peak RSS: median ${rss[Math.floor(rss.length / 2)].toFixed(0)} MiB (max ${rss.at(-1).toFixed(0)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
