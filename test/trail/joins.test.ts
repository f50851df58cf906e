/** The joins' pure logic, table-driven: policy verdicts, admitted subjects, unused trust, audit-record matching. */
import { describe, expect, it } from 'vitest';
import type { FoundRole } from '../../src/trust/audit/types.js';
import { matchRecord, type AuditRecordLite } from '../../src/trail/joins/audit-records.js';
import { admittedSubjects, policyVerdict, unusedTrust } from '../../src/trail/joins/roles.js';
import { TrailBuilder } from '../../src/trail/sessions/build.js';
import type { Session } from '../../src/trail/types.js';
import { assumeRecord, PROVIDER_ARN, ROLE } from './helpers/records.js';

const P = 'token.actions.githubusercontent.com';
const policy = (condition: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }] });
const role = (...policies: unknown[]): FoundRole => ({ role: ROLE.split('/').pop()!, source: { format: 'policy' }, policies, notes: [] });

function session(subject: string, extra: { sessionName?: string; time?: string } = {}): Session {
  const b = new TrailBuilder();
  b.add(assumeRecord({ key: 'ASIAJOIN000000000001', time: extra.time ?? '2025-04-16T02:46:56Z', subject, ...(extra.sessionName ? { sessionName: extra.sessionName } : {}) }));
  return b.finish().sessions[0]!;
}

describe('policyVerdict', () => {
  const prod = 'repo:octo-org/app:environment:prod';
  it.each([
    ['StringEquals sub, same subject', policy({ StringEquals: { [`${P}:aud`]: 'sts.amazonaws.com', [`${P}:sub`]: prod } }), prod, true],
    ['StringEquals sub, other subject', policy({ StringEquals: { [`${P}:sub`]: prod } }), 'repo:octo-org/app:ref:refs/heads/main', false],
    ['StringLike on the repository from the sub', policy({ StringLike: { [`${P}:sub`]: 'repo:octo-org/*' }, StringEquals: { [`${P}:repository`]: 'octo-org/app' } }), prod, true],
    ['a claim CloudTrail does not log: undecided', policy({ StringEquals: { [`${P}:job_workflow_ref`]: 'octo-org/wf/.github/workflows/d.yml@refs/heads/main' } }), prod, 'undecided'],
    ['audience mismatch', policy({ StringEquals: { [`${P}:aud`]: 'other' } }), prod, false],
  ])('%s', (_name, p, subject, admitted) => {
    expect(policyVerdict([role(p)], session(subject))?.admitted).toBe(admitted);
  });

  it('no role found: no verdict', () => {
    expect(policyVerdict([{ ...role(policy({})), role: 'other-role' }], session('repo:a/b:ref:refs/heads/main'))).toBeUndefined();
  });
});

describe('admittedSubjects and unusedTrust', () => {
  it('collects StringEquals/StringLike sub values of Allow statements, not negated ones', () => {
    const p = policy({ StringLike: { [`${P}:sub`]: ['repo:o/a:*', 'repo:o/b:*'] }, StringNotEquals: { [`${P}:sub`]: 'repo:o/a:pull_request' } });
    expect(admittedSubjects(p)).toEqual(['repo:o/a:*', 'repo:o/b:*']);
  });

  it('a role without sessions, and a pattern no session matched', () => {
    const p = policy({ StringLike: { [`${P}:sub`]: ['repo:o/a:*', 'repo:o/b:*'] } });
    expect(unusedTrust([role(p)], [session('repo:o/a:ref:refs/heads/main')]).map((f) => f.subject)).toEqual(['repo:o/b:*']);
    expect(unusedTrust([role(p)], []).map((f) => [f.rule, f.subject])).toEqual([['unused-trust', null]]);
  });
});

describe('matchRecord', () => {
  const s = session('repo:o/a:ref:refs/heads/main', { sessionName: 'GitHubActions-77-1' });
  const base: AuditRecordLite = { role_arn: ROLE, session_name: 'GitHubActions-77-1', sub: 'repo:o/a:ref:refs/heads/main', time: '2025-04-16T02:46:55.500Z', expiration: '2025-04-16T03:46:56.000Z', run_id: '77', token_jti: 'j' };
  it.each([
    ['same role, name, subject and expiration', base, true],
    ['expiration differs, time within two minutes', { ...base, expiration: '2025-04-16T04:00:00.000Z' }, true],
    ['expiration differs, time far', { ...base, expiration: '2025-04-16T04:00:00.000Z', time: '2025-04-16T05:00:00.000Z' }, false],
    ['other session name', { ...base, session_name: 'GitHubActions-78-1' }, false],
    ['other subject', { ...base, sub: 'repo:o/b:ref:refs/heads/main' }, false],
  ])('%s', (_name, record, matched) => {
    expect(matchRecord(s, [record]) !== undefined).toBe(matched);
  });
});
