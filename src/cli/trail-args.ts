/** Parses `keyless trail`'s flags into typed settings before anything is read (bad input: CliError, exit 2). */
import { parseCommand } from './args.js';
import { CliError } from './inputs.js';

export const TRAIL_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type TrailFormat = (typeof TRAIL_FORMATS)[number];
export const SQL_DIALECTS = ['athena', 'lake'] as const;
export type SqlDialect = (typeof SQL_DIALECTS)[number];

export interface TrailSettings {
  readonly help: boolean;
  readonly sources: readonly string[];
  readonly since?: string;
  readonly until?: string;
  readonly format: TrailFormat;
  readonly roles: readonly string[];
  readonly expect: readonly string[];
  readonly auditRecords: readonly string[];
  readonly github: boolean;
  readonly live: boolean;
  readonly emitSql?: SqlDialect;
  /** --table for --emit-sql: the Athena table or Lake event data store id. */
  readonly table?: string;
}

const OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  roles: { type: 'string', multiple: true },
  expect: { type: 'string', multiple: true },
  'audit-records': { type: 'string', multiple: true },
  github: { type: 'boolean' },
  live: { type: 'boolean' },
  'emit-sql': { type: 'string' },
  table: { type: 'string' },
} as const;

/** `2025-04-01` or `2025-04-01T12:00:00Z` → CloudTrail's eventTime form `2025-04-01T00:00:00Z`. */
export function parseTime(flag: string, value: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value);
  const ms = ok ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : NaN;
  if (Number.isNaN(ms)) throw new CliError(`${flag} ${JSON.stringify(value)} is not a date or time; expected e.g. 2025-04-01 or 2025-04-01T12:00:00Z (UTC)`);
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

export function parseTrailArgs(args: string[]): TrailSettings {
  const { values: v, positionals } = parseCommand(args, OPTIONS, 'trail', true);
  const format = (v.format ?? (v.json ? 'json' : 'table')) as string;
  if (!(TRAIL_FORMATS as readonly string[]).includes(format)) throw new CliError(`--format ${JSON.stringify(format)} is not one of ${TRAIL_FORMATS.join(', ')}`);
  if (v.json && format !== 'json') throw new CliError(`give --json or --format ${format}, not both`);
  const emitSql = v['emit-sql'];
  if (emitSql !== undefined && !(SQL_DIALECTS as readonly string[]).includes(emitSql)) throw new CliError(`--emit-sql ${JSON.stringify(emitSql)} is not one of ${SQL_DIALECTS.join(', ')}`);
  if (v.table !== undefined && emitSql === undefined) throw new CliError('--table goes with --emit-sql');
  if (v.table !== undefined && !/^[A-Za-z0-9_.\-]+$/.test(v.table)) throw new CliError(`--table ${JSON.stringify(v.table)} is not a table name or event data store id (letters, digits, _ . -)`);
  const since = v.since !== undefined ? parseTime('--since', v.since) : undefined;
  const until = v.until !== undefined ? parseTime('--until', v.until) : undefined;
  if (since !== undefined && until !== undefined && since >= until) throw new CliError(`--since ${since} is not before --until ${until}`);
  if (!v.help && emitSql === undefined && positionals.length === 0 && !v.live) {
    throw new CliError('give the CloudTrail sources (log files, directories, lookup-events or Lake output; "-" for standard input), or --live ("keyless trail --help")');
  }
  if (positionals.filter((p) => p === '-').length > 1) throw new CliError('"-" (standard input) is given twice');
  for (const pattern of v.expect ?? []) if (pattern.trim() === '') throw new CliError('--expect must not be empty; expected a subject pattern such as repo:octo-org/*');
  return {
    help: Boolean(v.help),
    sources: positionals,
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    format: format as TrailFormat,
    roles: v.roles ?? [],
    expect: v.expect ?? [],
    auditRecords: v['audit-records'] ?? [],
    github: Boolean(v.github),
    live: Boolean(v.live),
    ...(emitSql !== undefined ? { emitSql: emitSql as SqlDialect } : {}),
    ...(v.table !== undefined ? { table: v.table } : {}),
  };
}
