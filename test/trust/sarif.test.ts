/**
 * The SARIF the audit writes, checked against what GitHub code scanning requires of an upload
 * (SARIF 2.1.0; tool.driver.name and rules with ids, descriptions, help and a default level;
 * results with ruleId, level, message.text and a physical location: a relative URI and a start line).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactUri } from '../../src/cli/audit.js';
import { auditRoles } from '../../src/trust/audit/audit.js';
import { readRoles, syntaxOf } from '../../src/trust/audit/read.js';
import { RULES } from '../../src/trust/audit/rules.js';
import { toSarif } from '../../src/trust/audit/sarif.js';
import { LINT_RULES } from '../../src/trust/index.js';
import { PROJECT_ROOT } from './helpers/corpus.js';

interface Sarif {
  version: string;
  $schema: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown: string }; defaultConfiguration: { level: string }; properties: Record<string, unknown> }[] } };
    results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
  }[];
}

async function sarifOf(files: string[]): Promise<Sarif> {
  const found = [];
  for (const file of files) {
    const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    found.push(...(await readRoles(text, file, file, syntaxOf(file, text)))!);
  }
  return toSarif(auditRoles(found), { toolVersion: '0.1.0', uriOf: (f) => artifactUri(PROJECT_ROOT, f) }) as unknown as Sarif;
}

const FILES = ['test/fixtures/audit/cloudformation/github-roles.yaml', 'test/fixtures/audit/cloudformation/roles.template.json', 'test/fixtures/audit/terraform/plan.json', 'test/fixtures/audit/iam/authorization-details.json'];

describe('SARIF', () => {
  it('is SARIF 2.1.0 with one run of the keyless driver, describing every rule', async () => {
    const sarif = await sarifOf(FILES);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const driver = sarif.runs[0]!.tool.driver;
    expect(driver).toMatchObject({ name: 'keyless', version: '0.1.0' });
    expect(driver.rules.map((r) => r.id)).toEqual(expect.arrayContaining(Object.keys(LINT_RULES)));
    expect(new Set(driver.rules.map((r) => r.id)).size).toBe(driver.rules.length);
    for (const rule of driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(10);
      expect(rule.shortDescription.text.length).toBeLessThanOrEqual(120);
      expect(rule.fullDescription.text.length).toBeGreaterThan(10);
      expect(rule.help.text.length).toBeGreaterThan(30);
      expect(rule.help.text).not.toContain('`');
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
    }
    expect(RULES.find((r) => r.id === 'sub-wildcard-owner')!.severity).toBe('error');
  });

  it('locates every result at a relative URI and a start line, pointing at its rule', async () => {
    const sarif = await sarifOf(FILES);
    const run = sarif.runs[0]!;
    expect(run.results.length).toBeGreaterThan(20);
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(['error', 'warning', 'note']).toContain(result.level);
      expect(result.message.text.length).toBeGreaterThan(10);
      const location = result.locations[0]!.physicalLocation!;
      expect(FILES).toContain(location.artifactLocation.uri);
      expect(location.artifactLocation.uri).not.toMatch(/^\/|\\|^\.\.?\//);
      expect(Number.isInteger(location.region.startLine) && location.region.startLine >= 1).toBe(true);
    }
    const wildcard = run.results.find((r) => r.ruleId === 'sub-wildcard-repository' && r.locations[0]!.physicalLocation!.artifactLocation.uri.endsWith('github-roles.yaml'))!;
    const line = readFileSync(join(PROJECT_ROOT, FILES[0]!), 'utf8').split('\n')[wildcard.locations[0]!.physicalLocation!.region.startLine - 1];
    expect(line).toContain('token.actions.githubusercontent.com:sub: !Sub');
  });

  it('artifact URIs are relative to the working directory with forward slashes', () => {
    expect(artifactUri('/repo', 'infra/a.yaml')).toBe('infra/a.yaml');
    expect(artifactUri('/repo', '/repo/infra/b.json')).toBe('infra/b.json');
    expect(artifactUri('/repo', './c.json')).toBe('c.json');
  });
});
