// The network half of `npm run bench`: Keyless, configure-aws-credentials and a bare node start,
// interleaved, against the token service, the issuer and STS as three https hosts behind relays
// (bench-network.mjs), at each round trip; then the fit "fixed ms + k round trips" above a bare
// start, and the goals checked against it.
import { startLocalIssuer } from '../lib/local/issuer.js';
import { startLocalSts } from '../lib/local/sts.js';
import { fitLine, startHost, throwawayCa } from './bench-network.mjs';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';

/** Medians per round trip, the fits and the goals; every figure in ms unless named otherwise. */
export async function measureNetwork({ node, cac, runs, roundTripsMs, timeBare, run, row, stats }) {
  const ca = throwawayCa();
  const hosts = [];
  let issuer;
  let sts;
  try {
    const tokenHost = await startHost(ca);
    const issuerHost = await startHost(ca);
    const stsHost = await startHost(ca);
    hosts.push(tokenHost, issuerHost, stsHost);
    issuer = await startLocalIssuer({ publicOrigin: issuerHost.origin });
    // The token service is another host than the issuer, as on GitHub; the same fake answers both.
    tokenHost.upstreamPort = issuerHost.upstreamPort = Number(new URL(issuer.requestUrl).port);
    // This STS does not fetch the issuer's keys itself: its answers cost only the network.
    sts = await startLocalSts();
    stsHost.upstreamPort = Number(new URL(sts.url).port);
    const inputs = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'oidc-issuer': issuer.url };
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${tokenHost.origin}/_apis/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
      AWS_ENDPOINT_URL_STS: stsHost.origin,
      NODE_EXTRA_CA_CERTS: ca.caFile,
    };
    const counts = () => hosts.map((h) => h.handshakes);
    const perRoundTrip = [];
    for (const rttMs of roundTripsMs) {
      for (const host of hosts) host.setRoundTrip(rttMs);
      const samples = { bare: [], keyless: [], cac: [] };
      // One of each first, unmeasured: file caches warm, and a run that fails stops here.
      await run(node.path, undefined, inputs, env);
      if (cac) await run(node.path, cac, inputs, env);
      const handshakes = { keyless: [0, 0, 0], cac: [0, 0, 0] };
      const counted = async (who, target) => {
        const before = counts();
        const { durationMs } = await run(node.path, target, inputs, env);
        counts().forEach((n, k) => (handshakes[who][k] += (n - before[k]) / runs));
        return durationMs;
      };
      for (let i = 0; i < runs; i++) {
        samples.bare.push((await timeBare(node.path, { NODE_EXTRA_CA_CERTS: ca.caFile })).ms);
        samples.keyless.push(await counted('keyless', undefined));
        if (cac) samples.cac.push(await counted('cac', cac));
      }
      const perHost = (list) => `token service ${list[0].toFixed(1)}, issuer ${list[1].toFixed(1)}, STS ${list[2].toFixed(1)}`;
      console.log(`\n${node.label}, network model, ${rttMs} ms round trip, ${runs} runs   median     p10     p90  (ms)`);
      row("bare node -e ''", stats(samples.bare));
      row('keyless', stats(samples.keyless));
      if (cac) row(cac.label, stats(samples.cac));
      console.log(`  TLS handshakes per run: keyless ${perHost(handshakes.keyless)}` + (cac ? `; ${cac.label} ${perHost(handshakes.cac)}` : ''));
      const m = (xs) => stats(xs).median;
      perRoundTrip.push({ rttMs, bare: m(samples.bare), keyless: m(samples.keyless), cac: cac ? m(samples.cac) : undefined, handshakes });
    }
    return summarise(perRoundTrip, node.label);
  } finally {
    await Promise.all([...hosts.map((h) => h.close()), issuer?.close(), sts?.close()]);
    ca.cleanup();
  }
}

/** The fit above a bare start, round trips at each point, and the goals of issue 23. */
function summarise(perRoundTrip, label) {
  const fit = (key) => (perRoundTrip.every((p) => Number.isFinite(p[key])) ? fitLine(perRoundTrip.map((p) => ({ x: p.rttMs, y: p[key] - p.bare }))) : undefined);
  const keylessFit = fit('keyless');
  const cacFit = fit('cac');
  console.log('\nabove a bare node start: fixed ms + k round trips (least squares over the round trips measured)');
  const say = (name, f) => f && console.log(`  ${name.padEnd(28)}${f.fixed.toFixed(1)} ms + ${f.perUnit.toFixed(2)} round trips`);
  say('keyless', keylessFit);
  say('configure-aws-credentials', cacFit);
  for (const p of perRoundTrip) {
    const limit = p.bare + 4 * p.rttMs;
    const factor = p.rttMs >= 50 ? 1.25 : 1.45;
    console.log(
      `  ${p.rttMs} ms: keyless ${((p.keyless - p.bare) / p.rttMs).toFixed(2)} round trips above bare, ${(p.keyless / limit).toFixed(2)}× (bare + 4 round trips) [goal ≤ ${factor}]` +
        (p.cac === undefined ? '' : `; configure-aws-credentials ${((p.cac - p.bare) / p.rttMs).toFixed(2)} round trips; keyless = ${(p.keyless / p.cac).toFixed(2)}× its time [goal ≤ 0.5]`),
    );
  }
  return { label, perRoundTrip, keylessFit, cacFit };
}
