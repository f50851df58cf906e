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
  return `\`dist/index.js\` is ${mainKiB} KiB and is all that loads before the pipeline starts; the chunks loaded on demand total ${chunksKiB} KiB, almost all of it the AWS SDK, which obtaining credentials with a token does not load.`;
}

const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : 'n/a');
const mib = (n) => (Number.isFinite(n) ? `${n.toFixed(1)} MiB` : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : 'n/a');

const fitText = (f) => (f ? `${f.fixed.toFixed(0)} ms + ${f.perUnit.toFixed(1)} round trips` : 'n/a');
const handshakeText = (h) => `${h[0]} to the token service, ${h[1]} to the issuer, ${h[2]} to STS`;

/** The network model's lines: one row per round trip, the fit, the handshakes. */
function networkLines(network) {
  const { perRoundTrip, keylessFit, cacFit, label } = network;
  const trips = (t, p) => (Number.isFinite(t) ? ((t - p.bare) / p.rttMs).toFixed(1) : 'n/a');
  const rows = perRoundTrip.map(
    (p) => `| ${p.rttMs} ms | ${ms(p.bare)} | ${ms(p.keyless)} (${trips(p.keyless, p)}) | ${p.cac === undefined ? 'n/a' : `${ms(p.cac)} (${trips(p.cac, p)})`} | ${ratio(p.keyless, p.cac)} | ${ratio(p.keyless, p.bare + 4 * p.rttMs)} |`,
  );
  const last = perRoundTrip[perRoundTrip.length - 1];
  const round = (list) => list.map((n) => Number(n.toFixed(1)));
  return [
    `| round trip, ${label} | bare \`node -e ''\` | Keyless (round trips above bare) | configure-aws-credentials (round trips above bare) | Keyless ÷ configure-aws-credentials | Keyless ÷ (bare + 4 round trips) |`,
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `Fitted over these round trips, above a bare start: Keyless ${fitText(keylessFit)}` +
      (cacFit ? `, configure-aws-credentials ${fitText(cacFit)}` : '') +
      `. TLS handshakes per run: Keyless ${handshakeText(round(last.handshakes.keyless))}` +
      (last.cac === undefined ? '.' : `; configure-aws-credentials ${handshakeText(round(last.handshakes.cac))}.`),
  ];
}

export function renderSpeedSection(results, root) {
  const { loopback, network, runs, date, competitor, loadAverage } = results;
  // Shared machines skew every figure: the reader should know how busy it was.
  const load = Number.isFinite(loadAverage) ? ` (load average ${loadAverage.toFixed(1)} when it started)` : '';
  const rows = loopback.map(
    (r) =>
      `| ${r.label} | ${ms(r.bare)} | ${ms(r.keyless)} | ${ms(r.later)} | ${r.cac === undefined ? '' : ms(r.cac)} | ${mib(r.keylessRssMiB)} | ${r.cacRssMiB === undefined ? '' : mib(r.cacRssMiB)} |`,
  );
  return [
    '## Speed',
    '',
    '`npm run bench` runs `dist/index.js` as the runner does, interleaved with a bare `node -e \'\'`,',
    'and reports medians, spreads, where the time goes and peak memory: first against the loopback',
    'issuer and STS, then on a model of a real network. `--compare DIR` runs configure-aws-credentials',
    'from a checkout of `aws-actions/configure-aws-credentials`, or from its git directory at',
    '`--compare-ref` (its `action.yml` and published `dist/index.js`), in the same alternation, with its',
    'own action.yml defaults, against the same fakes.',
    '',
    'The network model: on a runner every request is https to a host the process has never talked to.',
    'The token service, the issuer and STS are each an https host (a throwaway CA made for the run, which',
    'the processes trust through `NODE_EXTRA_CA_CERTS`) behind a relay that holds a new connection\'s',
    'first byte for one round trip (the TCP handshake) and every chunk for half a round trip each way,',
    'so the TLS 1.3 handshake costs one more round trip and each request one. The limit is 4 round',
    'trips: every handshake at once (2), the token and the keys (1), STS on its open connection (1).',
    '',
    `Measured on ${date}, this project's 2-core machine${load}, ${runs} runs per figure${competitor ? `, ${competitor}` : ''}:`,
    '',
    '| loopback | bare `node -e \'\'` | Keyless, first in a job | later in the same job | configure-aws-credentials | Keyless peak RSS | its peak RSS |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...networkLines(network),
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
    '- **No AWS SDK on the way to credentials.** AssumeRoleWithWebIdentity is an unsigned Query',
    '  call: Keyless sends it with Node\'s https client on the connection it opened ahead',
    '  (`src/assume/sts-direct.ts`) and reads the XML answer with a small bounded reader',
    '  (`src/shared/xml-read.ts`: no DOCTYPE, no entities of its own, depth limited). The SDK is the',
    '  oracle of its tests: the same request body, and the same reading of every answer in the corpus',
    '  and of the error shapes STS and proxies send (`test/unit/sts-query.test.ts`); the built action',
    '  assumes a role with the SDK\'s chunks deleted. Evaluating the SDK\'s STS client was the largest',
    '  piece of CPU on the path, and it landed while the handshakes were in flight. The SDK, a chunk',
    '  loaded on demand, still does what must be signed (role chaining, `use-existing-credentials`) and',
    '  reaches the STS endpoints Keyless does not name itself (FIPS, dual-stack, other partitions).',
    '- **TCP first, TLS while it travels.** Node sends a connect only on the next tick, and the first',
    '  TLS socket of a process costs several ms of CPU (its root store), as do `node:http` and',
    '  `node:https` to load. So the TCP handshakes leave first (`node:net` only), then TLS is set up on',
    '  each connection while its SYN is out, and the http modules load after that.',
    '- **Every handshake at once.** Right after the local checks (inputs, runner files, token file,',
    '  trust policy: a bad input still opens nothing), Keyless opens its connections to the token',
    '  service, the issuer (two: discovery and the JWKS go in parallel, and Node\'s client sends one',
    '  request at a time on a connection) and STS (`sts-endpoint`, `AWS_ENDPOINT_URL_STS`,',
    '  `AWS_ENDPOINT_URL` or the regional endpoint), and sends each request on its open connection.',
    '  STS\'s handshakes overlap the token, the keys and verification; the token goes to STS only',
    '  once verified. Through a proxy nothing is opened ahead. The credential process does the same',
    '  on a cache miss (`src/shared/connections.ts`).',
    '- **Work moved off the critical path.** jose and WebCrypto load and compile while the token is',
    '  on the wire, by verifying a throwaway token with its own key (`src/verify/warm-up.ts`); the',
    '  issuer\'s keys are written to the job\'s cache while STS answers, not before the STS request',
    '  leaves; what comes after credentials (the export plan and its writes, the audit record, the',
    '  job summary) is a chunk that loads while the requests are out (`src/action/after-credentials.ts`);',
    '  the job summary is one synchronous append.',
    '- **One round trip for the issuer\'s keys.** The discovery document and the JWKS at its usual',
    '  location are fetched in parallel with the token, and the JWKS is used once discovery confirms',
    '  its location (a JWKS elsewhere on the issuer goes on a kept connection); later invocations and',
    '  refreshes reuse the job\'s key cache and open no connection to the issuer.',
    "- **No compile cache.** Node's compile cache in `RUNNER_TEMP` made later invocations in a job",
    '  faster on a loopback, but on a network the loading is hidden behind the handshakes anyway, and',
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
