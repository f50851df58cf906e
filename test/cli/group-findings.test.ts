/** Grouping findings alike in the lint report. */
import { describe, expect, it } from 'vitest';
import { compactPaths, groupFindings, messageShape } from '../../src/cli/group-findings.js';
import { canonicalFinding, formatLintReport, lintJson } from '../../src/cli/format.js';
import { lintTrustPolicy, type LintFinding } from '../../src/trust/index.js';

const finding = (ruleId: LintFinding['ruleId'], path: string, message: string): LintFinding => ({
  ruleId,
  severity: ruleId === 'no-sub-condition' ? 'error' : 'warning',
  path,
  message,
});

describe('messageShape', () => {
  it.each([
    ['sub "repo:a/b:ref:refs/heads/main" uses the name-only form', 'sub "…" uses the name-only form'],
    ['"k" admits "x", "y", but "z"', '"…" admits "…", "…", but "…"'],
    ['a quoted value with an escaped quote: "a\\"b" ends here', 'a quoted value with an escaped quote: "…" ends here'],
    ['2,048 of 4096', '#,# of #'],
    ['no quotes at all', 'no quotes at all'],
  ])('%s', (message, shape) => {
    expect(messageShape(message)).toBe(shape);
  });
});

describe('compactPaths', () => {
  it.each([
    [['$.Statement[0].Condition'], '$.Statement[0].Condition'],
    [['$.Statement[0].Condition', '$.Statement[1].Condition', '$.Statement[2].Condition'], '$.Statement[0-2].Condition'],
    [['$.Statement[0].C', '$.Statement[2].C', '$.Statement[3].C', '$.Statement[7].C'], '$.Statement[0,2-3,7].C'],
    [['$.Statement[3].x[0]', '$.Statement[3].x[1]'], '$.Statement[3].x[0-1]'],
    // Two indexes vary: listed as they are.
    [['$.Statement[0].x[0]', '$.Statement[1].x[1]'], '$.Statement[0].x[0], $.Statement[1].x[1]'],
    // Different shapes: one entry each.
    [['$.Statement[0].Condition', '$.Statement[1].Principal', '$.Statement[2].Condition'], '$.Statement[0,2].Condition, $.Statement[1].Principal'],
    [['$', '$'], '$'],
  ])('%j → %s', (paths, compact) => {
    expect(compactPaths(paths)).toBe(compact);
  });
});

describe('groupFindings', () => {
  it('one group per rule and message shape, errors first, else in order of first appearance, with every path and line', () => {
    const findings = [
      { ...canonicalFinding(finding('name-only-sub', '$.Statement[0].s', 'sub "a" uses the name-only form')), line: 4 },
      canonicalFinding(finding('aud-missing', '$.Statement[0]', 'no aud')),
      { ...canonicalFinding(finding('name-only-sub', '$.Statement[1].s', 'sub "b" uses the name-only form')), line: 9 },
      canonicalFinding(finding('name-only-sub', '$.Statement[2].s', 'sub "c" is something else')),
      canonicalFinding(finding('no-sub-condition', '$.Statement[3]', 'no sub')),
    ];
    expect(groupFindings(findings)).toEqual([
      { rule: 'no-sub-condition', severity: 'error', count: 1, paths: ['$.Statement[3]'], lines: [], message: 'no sub' },
      { rule: 'name-only-sub', severity: 'warning', count: 2, paths: ['$.Statement[0].s', '$.Statement[1].s'], lines: [4, 9], message: 'sub "a" uses the name-only form' },
      { rule: 'aud-missing', severity: 'warning', count: 1, paths: ['$.Statement[0]'], lines: [], message: 'no aud' },
      { rule: 'name-only-sub', severity: 'warning', count: 1, paths: ['$.Statement[2].s'], lines: [], message: 'sub "c" is something else' },
    ]);
  });
});

/** Fifty statements alike, as policies grown by copy and paste are. */
const fifty = {
  Version: '2012-10-17',
  Statement: Array.from({ length: 50 }, (_, i) => ({
    Effect: 'Allow',
    Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': `repo:octo-org/service-${i}:environment:production` } },
  })),
};

describe('the lint report of fifty statements alike', () => {
  const findings = lintTrustPolicy(fifty);

  it('prints each kind once, with ×50 and the paths compacted', () => {
    const text = formatLintReport('p.json', findings);
    expect(text.split('\n')[0]).toBe('p.json: 1 error, 100 warnings');
    expect(text).toContain('  warning aud-missing       ×50  $.Statement[0-49].Condition\n');
    expect(text).toContain('  warning name-only-sub     ×50  $.Statement[0-49].Condition.StringEquals["token.actions.githubusercontent.com:sub"]\n');
    expect(text).toContain('  error   policy-too-large  $\n');
    expect(text.split('\n').length).toBeLessThan(12);
  });

  it('--json keeps every finding, and adds the groups', () => {
    const doc = JSON.parse(lintJson('p.json', findings)) as { findings: unknown[]; groups: { count: number }[]; warnings: number };
    expect(doc.findings).toHaveLength(101);
    expect(doc.warnings).toBe(100);
    expect(doc.groups.map((g) => g.count)).toEqual([1, 50, 50]);
  });
});
