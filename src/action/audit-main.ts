/**
 * Entry point of the audit action (audit/action.yml, bundled to dist/audit/index.js): audits the
 * repository's IaC for roles trusting GitHub, writes a SARIF file for code scanning, annotates the
 * findings, and fails the step on findings at or above the chosen level.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { artifactUri, runAudit } from '../cli/audit.js';
import { nodeHost } from '../cli/host.js';
import { CliError } from '../cli/inputs.js';
import { BoundedParseError } from '../shared/bounded-parse.js';
import { BoundedReadError } from '../shared/bounded-read.js';
import { countBySeverity } from '../trust/audit/audit.js';
import { toSarif } from '../trust/audit/sarif.js';
import type { AuditReport, AuditSeverity } from '../trust/audit/types.js';
import { reachStep, readReachSettings } from './audit-reach.js';
import { annotationText, logLines, quoteIfNeeded } from '../shared/outside-text.js';
import { plural } from '../shared/plural.js';

/** The version from package.json (two levels up from dist/audit/ and lib/…). */
function packageVersion(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const pkg = JSON.parse(readFileSync(join(here, '..', '..', ['package', 'json'].join('.')), 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name === 'keyless' && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through
  }
  return '0.0.0';
}

const FAIL_LEVELS: Record<string, AuditSeverity | 'never'> = { true: 'error', error: 'error', warning: 'warning', false: 'never', never: 'never' };
const RANK: Record<AuditSeverity, number> = { note: 0, warning: 1, error: 2 };

export interface AuditActionSettings {
  readonly workspace: string;
  readonly paths: string[];
  readonly sarifFile: string;
  readonly failOn: AuditSeverity | 'never';
  readonly annotations: boolean;
  readonly audience?: string;
  readonly issuer?: string;
}

/** Inputs and the environment, read once. Throws CliError naming the input. */
export function readSettings(env: NodeJS.ProcessEnv, input: (name: string) => string): AuditActionSettings {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const paths = (input('paths') || '.').split(/[\n,]/).map((p) => p.trim()).filter((p) => p !== '');
  const sarifFile = input('sarif-file') || 'keyless-trust-policies.sarif';
  const failRaw = (input('fail-on-findings') || 'error').trim().toLowerCase();
  const failOn = FAIL_LEVELS[failRaw];
  if (failOn === undefined) throw new CliError(`input "fail-on-findings": ${JSON.stringify(failRaw)} is not one of error (or true), warning, never (or false)`);
  const annotationsRaw = (input('annotations') || 'true').trim().toLowerCase();
  if (!['true', 'false'].includes(annotationsRaw)) throw new CliError(`input "annotations": ${JSON.stringify(annotationsRaw)} is not true or false`);
  const audience = input('audience').trim();
  const issuer = input('issuer').trim();
  if (issuer !== '' && !/^https?:\/\/[^/\s]+/.test(issuer)) throw new CliError(`input "issuer": ${JSON.stringify(issuer)} is not a URL`);
  return {
    workspace,
    paths,
    sarifFile,
    failOn,
    annotations: annotationsRaw === 'true',
    ...(audience !== '' ? { audience } : {}),
    ...(issuer !== '' ? { issuer } : {}),
  };
}

function annotate(report: AuditReport, workspace: string): void {
  for (const role of report.roles) {
    role.findings.forEach((f, i) => {
      const properties = {
        title: annotationText(`${f.rule}: ${role.role}`),
        ...(role.source.file !== undefined ? { file: artifactUri(workspace, role.source.file) } : {}),
        ...(role.findingLines[i] !== undefined ? { startLine: role.findingLines[i] } : {}),
      };
      const message = annotationText(`${f.message} (at ${f.path})`);
      if (f.severity === 'error') core.error(message, properties);
      else if (f.severity === 'warning') core.warning(message, properties);
      else core.notice(message, properties);
    });
  }
}

async function main(): Promise<void> {
  const settings = readSettings(process.env, (name) => core.getInput(name));
  const reachSettings = readReachSettings(process.env, (name) => core.getInput(name));
  const host = nodeHost({ cwd: settings.workspace, awsRegion: 'us-east-1' });
  const report = await runAudit(
    { paths: settings.paths, live: false, ...(settings.audience ? { audience: settings.audience } : {}), ...(settings.issuer ? { issuer: settings.issuer } : {}) },
    host,
    // Every line through the sink: a file name with a line break must not start a workflow command.
    (text) => core.info(logLines(text.trimEnd())),
  );
  const sarif = toSarif(report, { toolVersion: packageVersion(), uriOf: (file) => artifactUri(settings.workspace, file) });
  const sarifPath = isAbsolute(settings.sarifFile) ? settings.sarifFile : join(settings.workspace, settings.sarifFile);
  writeFileSync(sarifPath, `${JSON.stringify(sarif, null, 2)}\n`);
  if (settings.annotations) annotate(report, settings.workspace);
  const counts = countBySeverity(report);
  core.setOutput('sarif-file', sarifPath);
  core.setOutput('roles', String(report.roles.length));
  core.setOutput('skipped', String(report.skipped));
  core.setOutput('errors', String(counts.error));
  core.setOutput('warnings', String(counts.warning));
  core.info(`audited ${plural(report.roles.length, 'role')} trusting GitHub (${plural(report.skipped, 'other')} skipped): ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}; SARIF written to ${quoteIfNeeded(sarifPath)}`);
  const reach = await reachStep(reachSettings, settings.paths, host, { annotations: settings.annotations, version: packageVersion() });
  if (reach) core.info(`reach: ${plural(reach.roles.length, 'role')}, ${plural(reach.jobs.length, 'token-requesting job')}, ${plural(reach.findings.length, 'finding')}`);
  if (settings.failOn === 'never') return;
  const worst = [...report.roles.flatMap((r) => r.findings), ...(reach?.findings ?? [])].filter((f) => RANK[f.severity] >= RANK[settings.failOn as AuditSeverity]);
  const what = reach?.findings.some((f) => RANK[f.severity] >= RANK[settings.failOn as AuditSeverity]) ? 'trust-policy or reach finding' : 'trust-policy finding';
  if (worst.length > 0) core.setFailed(`${worst.length} ${what}${worst.length === 1 ? '' : 's'} at level ${settings.failOn} or above (fail-on-findings: ${settings.failOn})`);
}

main().catch((error: unknown) => {
  // Bad input, a file over a read or parse limit included: one error annotation naming the file.
  const badInput = error instanceof CliError || error instanceof BoundedReadError || error instanceof BoundedParseError;
  core.setFailed(annotationText(badInput ? error.message : `internal error: ${(error as Error).stack ?? String(error)}`));
});
