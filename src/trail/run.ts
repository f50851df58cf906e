/**
 * The trail's edges in order: read the sources (and --live), fetch the runs (--github), build the
 * report. Warnings and progress go to `warn` (stderr); the report is pure data.
 */
import type { FoundRole } from '../trust/audit/types.js';
import { fetchRuns, octokitRunsClient, type GitHubRunsClient, type RunInfo } from './github-runs.js';
import type { AuditRecordLite } from './joins/audit-records.js';
import { readTrail } from './read/trail.js';
import { allSessions, buildReport, type TrailReport } from './report.js';
import type { TrailPeriod } from './types.js';

/** What the trail reads from the environment (parsed by the CLI). */
export interface TrailEnv {
  readonly githubToken?: string;
  readonly githubApiUrl?: string;
  readonly awsRegion?: string;
}

export interface TrailRun {
  /** As given; `-` is standard input. */
  readonly sources: readonly string[];
  readonly cwd: string;
  readonly period: TrailPeriod;
  readonly live: boolean;
  readonly github: boolean;
  readonly expect: readonly string[];
  readonly roles?: readonly FoundRole[];
  readonly auditRecords?: readonly AuditRecordLite[];
  /** For tests: a GitHub client instead of Octokit. */
  readonly githubClient?: GitHubRunsClient;
  /** The CLI's version, for the GitHub client's user agent. */
  readonly version?: string;
}

export async function runTrail(run: TrailRun, env: TrailEnv, warn: (text: string) => void): Promise<TrailReport> {
  const live = run.live ? await import('./live/lookup.js') : undefined;
  const read = await readTrail(
    {
      paths: run.sources,
      cwd: run.cwd,
      stdin: () => process.stdin,
      ...(live ? { extra: () => live.liveRecords({ region: env.awsRegion ?? 'us-east-1', period: run.period, progress: warn }) } : {}),
    },
    run.period,
    (text) => warn(`keyless: warning: ${text}\n`),
  );
  let runs: Map<string, RunInfo> | undefined;
  if (run.github) {
    const client = run.githubClient ?? (await octokitRunsClient(env.githubToken ?? '', env.githubApiUrl, run.version ?? 'dev'));
    const wanted = allSessions(read.result.sessions)
      .filter((s) => s.runId !== null && s.repository !== null)
      .map((s) => ({ repository: s.repository!, runId: s.runId! }));
    runs = await fetchRuns(client, wanted);
  }
  return buildReport(read, run.period, {
    expect: run.expect,
    ...(run.roles ? { roles: run.roles } : {}),
    ...(run.auditRecords ? { auditRecords: run.auditRecords } : {}),
    ...(runs ? { runs } : {}),
  });
}
