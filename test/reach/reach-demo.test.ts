/** `npm start -- reach`: the demo shows the outsider path (exit 0 means it did), and `reach` is recognised. */
import { afterEach, expect, test, vi } from 'vitest';
import { runReachDemo } from '../../src/local/reach-demo.js';
import { demoHelp, parseDemoArgs } from '../../src/local/scenarios.js';

afterEach(() => vi.restoreAllMocks());

test('the reach demo shows the fork pull request path to the preview role, and only the review-gated path to deploy', async () => {
  let printed = '';
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (printed += `${a.join(' ')}\n`));
  vi.spyOn(process.stdout, 'write').mockImplementation((t: string | Uint8Array) => ((printed += String(t)), true));
  expect(await runReachDemo()).toBe(0);
  expect(printed).toContain('[outsider] anyone who can open a pull request from a fork → pull_request_target on refs/heads/main → .github/workflows/preview.yml:preview');
  expect(printed).not.toMatch(/outsider-reachable: .*roles\/deploy\.json/);
  expect(printed).toContain('8 requests to the GitHub API.');
});

test('parseDemoArgs: reach, and the help names it', () => {
  expect(parseDemoArgs(['reach'])).toEqual({ kind: 'reach' });
  expect(parseDemoArgs(['reach', 'x'])).toEqual({ kind: 'unknown', given: 'reach x' });
  expect(demoHelp()).toContain('npm start -- reach');
});
