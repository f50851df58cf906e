/** `keyless trail`: reads CloudTrail, joins what was asked, prints the report (see trail-help.ts). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FoundRole } from '../trust/audit/types.js';
import { parseAuditRecords, type AuditRecordLite } from '../trail/joins/audit-records.js';
import { readProblem, guarded } from './args.js';
import type { CliIo } from './cli-io.js';
import type { CommandHost } from './host.js';
import { CliError } from './inputs.js';
import { rolesFromPaths } from './sources.js';
import { parseTrailArgs, type TrailSettings } from './trail-args.js';
import { TRAIL_HELP } from './trail-help.js';
import type { TrailEnv } from '../trail/run.js';

/** What the command reads from the environment, parsed once here. */
export function trailEnv(env: NodeJS.ProcessEnv): TrailEnv {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return { ...(token ? { githubToken: token } : {}), ...(env.GITHUB_API_URL ? { githubApiUrl: env.GITHUB_API_URL } : {}), ...(region ? { awsRegion: region } : {}) };
}

function readAuditRecords(files: readonly string[], host: CommandHost, warn: (t: string) => void): AuditRecordLite[] {
  const records: AuditRecordLite[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = host.readText(resolve(host.cwd, file));
    } catch (error) {
      throw new CliError(`--audit-records ${JSON.stringify(file)}: cannot read the file (${readProblem(error)})`);
    }
    const parsed = parseAuditRecords(text, JSON.stringify(file));
    for (const problem of parsed.problems) warn(`keyless: warning: --audit-records ${problem}\n`);
    records.push(...parsed.records);
  }
  return records;
}

async function readRoles(settings: TrailSettings, host: CommandHost, note: (text: string) => void): Promise<FoundRole[] | undefined> {
  if (settings.roles.length === 0) return undefined;
  return rolesFromPaths(settings.roles, host, note);
}

export function trailCommand(args: string[], io: CliIo, env: TrailEnv): Promise<number> {
  return guarded(io.stderr, async () => {
    const settings = parseTrailArgs(args);
    if (settings.help) {
      io.stdout(TRAIL_HELP);
      return 0;
    }
    if (settings.emitSql !== undefined) {
      const { emitSql } = await import('../trail/sql/emit.js');
      io.stdout(emitSql(settings.emitSql, { ...(settings.table !== undefined ? { table: settings.table } : {}), ...(settings.since !== undefined ? { since: settings.since } : {}), ...(settings.until !== undefined ? { until: settings.until } : {}) }));
      return 0;
    }
    if (!io.host) throw new CliError('this build of keyless cannot read files for the trail');
    const host = io.host;
    const cwd = host.cwd;
    // Every input is checked before anything is read or sent.
    for (const source of settings.sources) {
      if (source !== '-' && !existsSync(resolve(cwd, source))) throw new CliError(`SOURCE ${JSON.stringify(source)}: no such file or directory`);
    }
    if (settings.github && env.githubToken === undefined) throw new CliError('--github needs a token in GITHUB_TOKEN or GH_TOKEN (with actions: read on the repositories)');
    const warn = (text: string): void => io.stderr(text);
    const auditRecords = settings.auditRecords.length > 0 ? readAuditRecords(settings.auditRecords, host, warn) : undefined;
    const roles = await readRoles(settings, host, io.stderr);
    const { runTrail } = await import('../trail/run.js');
    const { TrailSourceError } = await import('../trail/errors.js');
    const report = await runTrail(
      {
        sources: settings.sources,
        cwd,
        period: { ...(settings.since !== undefined ? { since: settings.since } : {}), ...(settings.until !== undefined ? { until: settings.until } : {}) },
        live: settings.live,
        github: settings.github,
        expect: settings.expect,
        version: io.version,
        ...(roles ? { roles } : {}),
        ...(auditRecords ? { auditRecords } : {}),
      },
      env,
      warn,
    ).catch((error: unknown) => {
      if (error instanceof TrailSourceError) throw new CliError(error.message);
      throw error;
    });
    const { formatTrail } = await import('../trail/format/index.js');
    io.stdout(formatTrail(report, settings.format));
    return report.findings.some((f) => f.severity === 'error') ? 3 : 0;
  });
}
