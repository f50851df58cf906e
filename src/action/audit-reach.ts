/**
 * The audit action's reach step: who on GitHub can obtain each audited role, from the repository's
 * workflows (and, with `reach-github`, its settings through the API with the job's token): a
 * second SARIF file for code scanning, the paths as a mermaid graph in the job summary, and
 * annotations on the workflow lines.
 */
import { annotationText, logLines } from '../shared/outside-text.js';
import { existsSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as core from '@actions/core';
import type { CommandHost } from '../cli/host.js';
import { CliError } from '../cli/inputs.js';
import { runReach } from '../cli/reach.js';
import { artifactUri } from '../cli/audit.js';
import type { ReachReport } from '../reach/analyse.js';
import { reachMermaid } from '../reach/output/mermaid.js';
import { reachSarif } from '../reach/output/sarif.js';

export interface ReachStepSettings {
  readonly enabled: boolean;
  readonly workflows: string;
  readonly sarifFile: string;
  readonly github: boolean;
  readonly token: string;
  readonly repository?: string;
  readonly apiUrl?: string;
}

function flag(name: string, raw: string, fallback: boolean): boolean {
  const value = (raw || String(fallback)).trim().toLowerCase();
  if (value !== 'true' && value !== 'false') throw new CliError(`input "${name}": ${JSON.stringify(value)} is not true or false`);
  return value === 'true';
}

/** The reach inputs, read once. Throws CliError naming the input. */
export function readReachSettings(env: NodeJS.ProcessEnv, input: (name: string) => string): ReachStepSettings {
  const github = flag('reach-github', input('reach-github'), false);
  const token = input('github-token');
  if (github && token === '') throw new CliError('input "reach-github" is true but "github-token" is empty');
  return {
    enabled: flag('reach', input('reach'), true),
    workflows: input('workflows') || '.github/workflows',
    sarifFile: input('reach-sarif-file') || 'keyless-reach.sarif',
    github,
    token,
    ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
    ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}),
  };
}

function annotate(report: ReachReport, workspace: string): void {
  for (const f of report.findings) {
    const properties = { title: annotationText(`${f.rule}${f.role ? `: ${f.role}` : ''}`), ...(f.file !== undefined ? { file: artifactUri(workspace, f.file) } : {}), ...(f.line !== undefined ? { startLine: f.line } : {}) };
    const message = annotationText(f.message);
    if (f.severity === 'error') core.error(message, properties);
    else if (f.severity === 'warning') core.warning(message, properties);
    else core.notice(message, properties);
  }
}

/** Runs reach over the audited paths; undefined when reach is off or the repository has no workflow folder. */
export async function reachStep(settings: ReachStepSettings, paths: string[], host: CommandHost, options: { annotations: boolean; version: string }): Promise<ReachReport | undefined> {
  if (!settings.enabled) return undefined;
  if (!existsSync(join(host.cwd, settings.workflows))) {
    core.notice(annotationText(`reach skipped: no workflow folder ${JSON.stringify(settings.workflows)}`));
    return undefined;
  }
  const report = await runReach(
    { help: false, folders: [settings.workflows], repositories: settings.repository ? [settings.repository] : [], github: settings.github, live: false, format: 'sarif', sources: paths },
    host,
    { GITHUB_TOKEN: settings.token, ...(settings.repository ? { GITHUB_REPOSITORY: settings.repository } : {}), ...(settings.apiUrl ? { GITHUB_API_URL: settings.apiUrl } : {}) },
    (text) => core.info(logLines(text.trimEnd())),
    options.version,
  );
  const sarifPath = isAbsolute(settings.sarifFile) ? settings.sarifFile : join(host.cwd, settings.sarifFile);
  writeFileSync(sarifPath, `${JSON.stringify(reachSarif(report, { toolVersion: options.version, uriOf: (file) => artifactUri(host.cwd, file) }), null, 2)}\n`);
  core.setOutput('reach-sarif-file', sarifPath);
  if (options.annotations) annotate(report, host.cwd);
  if (report.roles.some((r) => r.paths.length > 0)) {
    await core.summary.addHeading('Keyless reach: who can obtain each role', 3).addRaw(`\n\`\`\`mermaid\n${reachMermaid(report)}\`\`\`\n`, true).write();
  }
  return report;
}
