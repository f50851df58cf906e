/** The pure parts of `npm start`: argument parsing, the scenario list, the demo's own verdict. */
import { describe, expect, it } from 'vitest';
import {
  conditionKeyNote,
  demoExitCode,
  demoHelp,
  demoTrustPolicy,
  parseDemoArgs,
  SCENARIOS,
  TRUSTED_SUBJECT,
  trustPolicyAuthorizer,
  type ExpectedOutcome,
} from '../../src/local/scenarios.js';
import { evaluateTrustPolicy, lintTrustPolicy } from '../../src/trust/index.js';

describe('parseDemoArgs', () => {
  it.each([
    [[], { kind: 'run', name: 'deploy' }],
    [['deploy'], { kind: 'run', name: 'deploy' }],
    [['access-denied'], { kind: 'run', name: 'access-denied' }],
    [['trust-policy'], { kind: 'run', name: 'trust-policy' }],
    [['wrong-audience'], { kind: 'run', name: 'wrong-audience' }],
    [['--help'], { kind: 'help' }],
    [['-h'], { kind: 'help' }],
    [['help'], { kind: 'help' }],
    [['Deploy'], { kind: 'unknown', given: 'Deploy' }],
    [['access_denied'], { kind: 'unknown', given: 'access_denied' }],
    [['deploy', 'extra'], { kind: 'unknown', given: 'deploy extra' }],
    [['--json'], { kind: 'unknown', given: '--json' }],
  ])('%j', (argv, expected) => {
    const args = parseDemoArgs(argv);
    if (args.kind === 'run') expect({ kind: args.kind, name: args.scenario.name }).toEqual(expected);
    else expect(args).toEqual(expected);
  });
});

describe('the scenario list', () => {
  it('has one line per scenario in --help, each with a summary', () => {
    const lines = demoHelp().split('\n').filter((line) => /^ {2}\S/.test(line));
    expect(lines.map((line) => line.trim().split(/\s+/)[0])).toEqual(SCENARIOS.map((s) => s.name));
    for (const line of lines) expect(line.trim().split(/\s{2,}/)[1]!.length).toBeGreaterThan(20);
  });

  it('keeps the scenarios of the README (deploy, access-denied, trust-policy, immutable-subject, wrong-audience)', () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual(['deploy', 'access-denied', 'trust-policy', 'immutable-subject', 'wrong-audience']);
  });
});

describe('demoExitCode: the demo fails when the action does not do what the scenario shows', () => {
  it.each<[ExpectedOutcome, number | null, number, number]>([
    ['credentials', 0, 1, 0],
    ['credentials', 1, 1, 1],
    ['credentials', null, 0, 1],
    ['refused-by-sts', 1, 1, 0],
    ['refused-by-sts', 1, 0, 1],
    ['refused-by-sts', 0, 1, 1],
    ['refused-before-sts', 1, 0, 0],
    ['refused-before-sts', 1, 1, 1],
    ['refused-before-sts', 0, 0, 1],
    ['refused-before-sts', 2, 0, 1],
  ])('%s, action exit %s, %i STS calls → %i', (expect_, actionExit, calls, code) => {
    expect(demoExitCode(expect_, actionExit, calls)).toBe(code);
  });
});

describe('the demo role', () => {
  const issuer = 'http://127.0.0.1:40123';
  const policy = demoTrustPolicy(issuer);
  const claims = (over: Record<string, unknown> = {}) => ({ iss: issuer, aud: 'sts.amazonaws.com', sub: TRUSTED_SUBJECT, ...over });

  it('its trust policy admits the push to main and nothing else the scenarios send', () => {
    const authorize = trustPolicyAuthorizer(policy);
    expect(authorize(claims())).toBe(true);
    for (const scenario of SCENARIOS.filter((s) => s.claims)) expect(authorize(claims(scenario.claims))).toBe(false);
    expect(authorize(claims({ aud: 'https://github.com/octo-org' }))).toBe(false);
  });

  it('a job with an environment fails on the sub condition, which is what the trust-policy scenario shows', () => {
    const decision = evaluateTrustPolicy(policy, claims(SCENARIOS.find((s) => s.name === 'trust-policy')!.claims));
    expect(decision.statements[0]!.reason).toMatchObject({ kind: 'condition', key: '127.0.0.1:40123:sub', operator: 'StringEquals' });
  });

  it('lint finds no error in it once told the issuer (only the name-only-sub warning a real one would get too)', () => {
    expect(lintTrustPolicy(policy, { issuer }).map((f) => f.ruleId)).toEqual(['name-only-sub']);
  });

  it('the note names the loopback host in the key and the real one', () => {
    expect(conditionKeyNote(issuer)).toContain('"127.0.0.1:40123:sub"');
    expect(conditionKeyNote(issuer)).toContain('"token.actions.githubusercontent.com:sub"');
  });
});
