// The README's Speed section, written by `npm run bench -- --write-readme` from what the benchmark
// measured: the one place README quotes sizes and timings. The tests check the sizes against dist/.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';


/** The bundle's sizes in KiB, as the README states them: what loads at start, and on demand. */
export function bundleSizes(root) {
  const dist = join(root, 'dist');
  const files = readdirSync(dist).filter((file) => file.endsWith('.js'));
  const kib = (bytes) => Math.round(bytes / 1024);
  const main = statSync(join(dist, 'index.js')).size;
  const chunks = files.filter((file) => file !== 'index.js').reduce((sum, file) => sum + statSync(join(dist, file)).size, 0);
  return { mainKiB: kib(main), chunksKiB: kib(chunks) };
}

export function sizeSentence({ mainKiB, chunksKiB }) {
  return `\`dist/index.js\` is ${mainKiB} KiB and is all that loads before the pipeline starts; the chunks loaded on demand total ${chunksKiB} KiB, almost all of it the AWS SDK.`;
}

const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : 'n/a');
const mib = (n) => (Number.isFinite(n) ? `${n.toFixed(1)} MiB` : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : 'n/a');

export function renderSpeedSection(results, root) {
  const { loopback, network, latencyMs, runs, date, competitor } = results;
  const rows = loopback.map(
    (r) =>
      `| ${r.label} | ${ms(r.bare)} | ${ms(r.keyless)} | ${ms(r.later)} | ${r.cac === undefined ? '' : ms(r.cac)} | ${mib(r.keylessRssMiB)} | ${r.cacRssMiB === undefined ? '' : mib(r.cacRssMiB)} |`,
  );
  const floor = network.bare + 2 * latencyMs;
  return [
    '## Speed',
    '',
    '`npm run bench` runs `dist/index.js` as the runner does, against the loopback issuer and STS,',
    "interleaved with a bare `node -e ''`, and reports medians, spreads, where the time goes and peak",
    'memory. `--latency MS` adds that much to every answer (a network, not a loopback), and',
    '`--compare DIR` runs configure-aws-credentials from a checkout of',
    '`aws-actions/configure-aws-credentials` (its `action.yml` and published `dist/index.js`) in the',
    'same alternation, with its own action.yml defaults, against the same fakes.',
    '',
    `Measured on ${date}, this project's 2-core machine, ${runs} runs per figure${competitor ? `, ${competitor}` : ''}:`,
    '',
    '| loopback | bare `node -e \'\'` | Keyless, first in a job | later in the same job | configure-aws-credentials | Keyless peak RSS | its peak RSS |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `With ${latencyMs} ms added to every answer, ${network.label}: Keyless ${ms(network.keyless)} first in a job and ${ms(network.later)} later, against ${network.cac === undefined ? 'n/a' : ms(network.cac)} for configure-aws-credentials (${ratio(network.keyless, network.cac)} its time). The floor, a bare \`node\` start plus the two round trips nothing can avoid (the token, then STS), is ${ms(floor)}.`,
    '',
    sizeSentence(bundleSizes(root)),
    '',
    'What keeps it fast:',
    '- **The toolkit without what Keyless never calls.** The entry points use `@actions/core` and',
    "  `@actions/github`'s `context`. Bundled as they are, `@actions/core` loads `undici` at every",
    "  start (`@actions/http-client` needs it only for core's `getIDToken()`, which Keyless does not",
    "  call), and `@actions/github` builds an Octokit client at import. ncc runs from",
    '  `scripts/bundle/`, whose `tsconfig.json` (read by ncc only) swaps `@actions/http-client` and',
    "  `@actions/exec` for stubs that throw if ever called, and `@actions/github` for its own `Context`",
    '  class built the same way. Keyless requests the token itself (`src/token/`), with its own',
    '  timeouts and retries. A test checks that the bundles hold the toolkit but no undici or Octokit.',
    '- **The AWS SDK loads while the network works.** It is a separate, minified chunk, imported once',
    '  the token and key requests have left, together with jose and the verification code, which are',
    '  needed only once the token is in; input errors load neither. The SDK\'s default credential',
    '  chain (profiles, SSO, IMDS and the nested clients they use) is a chunk',
    '  of its own (`scripts/bundle/credential-provider-node-deferred.js`): AssumeRoleWithWebIdentity is',
    '  unsigned and never loads it; role chaining loads it when it looks for source credentials.',
    '- **One round trip for the issuer\'s keys.** The discovery document and the JWKS at its usual',
    '  location are fetched in parallel with the token, and the JWKS is used once discovery confirms',
    '  its location; later invocations and refreshes reuse the job\'s key cache.',
    "- **No compile cache.** Node's compile cache in `RUNNER_TEMP` made later invocations in a job",
    '  faster on a loopback, but on a network the SDK loads while the requests are out anyway, and',
    '  writing the cache made the first invocation slower: measured, it did not pay.',
  ].join('\n');
}

export function writeReadmeSection(root, section) {
  writeReadmeBlock(root, 'bench', 'npm run bench -- --write-readme', section);
}

/** Replaces README's `<!-- NAME:start (written by COMMAND) -->` … `<!-- NAME:end -->` block. */
export function writeReadmeBlock(root, name, command, body) {
  const start = `<!-- ${name}:start (written by ${command}) -->`;
  const end = `<!-- ${name}:end -->`;
  const path = join(root, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
  writeFileSync(path, `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`);
}
