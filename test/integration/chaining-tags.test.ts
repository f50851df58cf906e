/**
 * Role chaining at parity with configure-aws-credentials: session tags by their names,
 * role-skip-session-tagging, transitive-tag-keys, custom-tags, role-external-id, a bare role name,
 * and the packed-size failure (the loopback STS refuses tags over 160 characters here).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { startJob, type Job } from '../helpers/profiles.js';

const TARGET = 'arn:aws:iam::210987654321:role/cross-account-deploy';
/** The harness's run has 175 characters of tags; 147 without the droppable ones (EventName, RunId). */
const PACKED_LIMIT = 160;

let fakes: Fakes;
let job: Job;
beforeAll(async () => {
  fakes = await startFakes({ sts: { maxPackedTagCharacters: PACKED_LIMIT } });
});
afterAll(() => fakes.close());
beforeEach(async () => {
  job = startJob(fakes.env);
  expect((await job.step(fakes.inputs)).exitCode).toBe(0);
  fakes.sts.calls.length = 0;
});
afterEach(() => job.close());

const chained = (inputs: Record<string, string> = {}) =>
  job.step(
    { 'role-to-assume': TARGET, 'aws-region': 'us-east-1', 'role-chaining': 'true', 'role-session-name': 'chained', ...inputs },
    { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, AWS_EC2_METADATA_DISABLED: 'true' },
  );
const assumeRoleCalls = () => fakes.sts.calls.filter((call) => call.action === 'AssumeRole');
function tagsOf(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([name]) => /^Tags\.member\.\d+\.Key$/.test(name))
      .map(([name, key]) => [key, params[name.replace(/Key$/, 'Value')]!]),
  );
}

describe('session tags on AssumeRole', () => {
  it('too large once packed: once more without the droppable tags, with a warning', async () => {
    const run = await chained();
    expect(run.exitCode, run.stdout).toBe(0);
    const [first, second] = assumeRoleCalls();
    expect(Object.keys(tagsOf(first!.params))).toEqual(expect.arrayContaining(['EventName', 'RunId']));
    expect(Object.keys(tagsOf(second!.params))).toEqual(['GitHub', 'Repository', 'Workflow', 'Action', 'Actor', 'Commit', 'Branch']);
    expect(run.stdout).toMatch(/::warning::STS found the session tags too large once packed; trying once more without 2 of them/);
  });

  it('still too large with custom tags: explained, with what to change', async () => {
    const run = await chained({ 'custom-tags': JSON.stringify({ CostCentre: 'platform-engineering-shared-services' }) });
    expect(run.exitCode).toBe(1);
    const errors = run.errors.join('\n');
    expect(errors).toMatch(/STS AssumeRole \(role chaining\) for arn:aws:iam::210987654321:role\/cross-account-deploy failed: HTTP 400 PackedPolicyTooLarge: Packed size of session tags consumes \d+% of allotted space/);
    expect(errors).toMatch(/tags sent: GitHub, Repository, Workflow, Action, Actor, Commit, Branch, CostCentre/);
    expect(errors).toMatch(/or set role-skip-session-tagging: true/);
    expect(assumeRoleCalls()).toHaveLength(2);
  });

  it('role-skip-session-tagging: no tags at all', async () => {
    const run = await chained({ 'role-skip-session-tagging': 'true' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(tagsOf(assumeRoleCalls()[0]!.params)).toEqual({});
  });

  it('transitive-tag-keys: the keys that name a tag are sent, the others are named in a warning', async () => {
    const run = await chained({ 'transitive-tag-keys': 'Repository\nNope', 'role-skip-session-tagging': 'false', 'custom-tags': '{}' });
    expect(run.exitCode, run.stdout).toBe(0);
    const params = assumeRoleCalls().at(-1)!.params;
    expect(params['TransitiveTagKeys.member.1']).toBe('Repository');
    expect(params['TransitiveTagKeys.member.2']).toBeUndefined();
    expect(run.stdout).toMatch(/::warning::transitive-tag-keys "Nope" name no session tag that is sent/);
  });

  it('custom-tags that are not a JSON object are refused before any request', async () => {
    const run = await chained({ 'custom-tags': '["Team"]' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/input "custom-tags": expected a JSON object \(not an array or a single value\)/);
    expect(fakes.sts.calls).toHaveLength(0);
  });
});

describe('the rest of AssumeRole', () => {
  it('role-external-id is sent as ExternalId', async () => {
    const run = await chained({ 'role-external-id': 'partner-4711', 'role-skip-session-tagging': 'true' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(assumeRoleCalls()[0]!.params.ExternalId).toBe('partner-4711');
  });

  it('a bare role name is a role in the source account', async () => {
    const run = await chained({ 'role-to-assume': 'audit', 'role-skip-session-tagging': 'true' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(assumeRoleCalls()[0]!.params.RoleArn).toBe('arn:aws:iam::123456789012:role/audit');
  });
});
