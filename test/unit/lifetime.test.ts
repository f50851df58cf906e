import { describe, expect, it } from 'vitest';
import { checkLifetime } from '../../src/assume/lifetime.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const at = (secondsFromNow: number) => new Date(NOW + secondsFromNow * 1000);

describe('checkLifetime: credentials that expire far sooner than asked', () => {
  it.each<[string, number, number, number | undefined, 'error' | 'warning' | undefined, RegExp | undefined]>([
    ['as asked', 3600, 3600, undefined, undefined, undefined],
    ['a few seconds of transit', 3595, 3600, undefined, undefined, undefined],
    ['just under the warning threshold', 3600 - 119, 3600, undefined, undefined, undefined],
    ['10 s left', 10, 3600, undefined, 'error', /in 10 s, though role-duration-seconds asked for 3600 s; nothing was exported/],
    ['59 s left', 59, 900, undefined, 'error', /in 59 s/],
    ['30 min of 1 h', 1800, 3600, undefined, 'warning', /in 30 min, though role-duration-seconds asked for 3600 s/],
    ['short of 900 s by 3 min', 720, 900, undefined, 'warning', /in 12 min/],
    ['short by 2 min but under 10 % of 12 h', 43200 - 150, 43200, undefined, undefined, undefined],
    ['the runner clock 50 min ahead', 600, 3600, NOW / 1000 - 3000, 'warning', /clock is about 50 min ahead of GitHub's/],
    ['the runner clock 2 h behind', 30, 3600, NOW / 1000 + 7200, 'error', /clock is about 2\.0 h behind GitHub's/],
    ['no clock evidence: other causes named', 600, 3600, NOW / 1000 - 2, 'warning', /sts-endpoint \/ AWS_ENDPOINT_URL_STS/],
  ])('%s', (_name, remaining, requested, iat, severity, message) => {
    const problem = checkLifetime({ expiration: at(remaining), requestedSeconds: requested, nowMs: NOW, tokenIssuedAt: iat });
    expect(problem?.severity).toBe(severity);
    if (message) expect(problem?.message).toMatch(message);
  });
});
