/** `keyless trust-policy audit PATH… [--live] [--json | --format sarif]`. */
import { relative, resolve, sep } from 'node:path';
import { auditJson, auditRoles } from '../trust/audit/audit.js';
import { liveRoles } from '../trust/audit/live.js';
import { toSarif } from '../trust/audit/sarif.js';
import { formatAuditTable } from './audit-table.js';
import type { AuditReport, FoundRole } from '../trust/audit/types.js';
import { guarded, parseCommand } from './args.js';
import { AUDIT_HELP } from './help-audit.js';
import type { CommandHost } from './host.js';
import { iamCallFailed, isMissingCredentials, missingCredentials } from './aws-failure.js';
import { CliError } from './inputs.js';
import { BoundedReadError } from '../shared/bounded-read.js';
import { rolesFromPaths } from './sources.js';

export interface AuditIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly version: string;
  readonly host?: CommandHost;
}

const FORMATS = ['table', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export interface AuditSettings {
  readonly paths: readonly string[];
  readonly live: boolean;
  readonly audience?: string;
  readonly issuer?: string;
}

/** Reads every source and audits it (shared with the audit action). */
export async function runAudit(settings: AuditSettings, host: CommandHost, note: (text: string) => void): Promise<AuditReport> {
  const found: FoundRole[] = await rolesFromPaths(settings.paths, host, note);
  if (settings.live) {
    const lister = await host.roleLister();
    try {
      found.push(...(await liveRoles(lister)));
    } catch (error) {
      if (isMissingCredentials(error)) throw missingCredentials('--live');
      // An answer over the read limit is bad input naming it (exit 2), as every limit is.
      if (error instanceof BoundedReadError) throw error;
      const e = error as Error & { name?: string };
      throw iamCallFailed('--live', 'ListRoles', (e.name ?? 'Error').replace(/Exception$/, ''), e.message);
    }
  }
  return auditRoles(found, { ...(settings.audience !== undefined ? { audience: settings.audience } : {}), ...(settings.issuer !== undefined ? { issuer: settings.issuer } : {}) });
}

/** SARIF artifact URI: relative to the working directory, with forward slashes. */
export function artifactUri(cwd: string, file: string): string {
  return relative(cwd, resolve(cwd, file)).split(sep).join('/');
}

export function auditCommand(args: string[], io: AuditIo): Promise<number> {
  return guarded(io.stderr, async () => {
    const command = 'trust-policy audit';
    const { values: v, positionals } = parseCommand(
      args,
      { live: { type: 'boolean' }, json: { type: 'boolean' }, format: { type: 'string' }, audience: { type: 'string' }, issuer: { type: 'string' } },
      command,
      true,
    );
    if (v.help) {
      io.stdout(AUDIT_HELP);
      return 0;
    }
    const format = (v.format as string | undefined) ?? (v.json ? 'json' : 'table');
    if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`--format ${JSON.stringify(format)} is not one of ${FORMATS.join(', ')}`);
    if (v.json && format !== 'json') throw new CliError(`give --json or --format ${format}, not both`);
    if (positionals.length === 0 && !v.live) throw new CliError(`give the files or directories to audit (PATH…, "-" for standard input), or --live ("keyless ${command} --help")`);
    const audience = v.audience as string | undefined;
    if (audience !== undefined && audience.trim() === '') throw new CliError('--audience must not be empty');
    const issuer = v.issuer as string | undefined;
    if (issuer !== undefined && !/^https?:\/\/[^/\s]+/.test(issuer)) throw new CliError(`--issuer ${JSON.stringify(issuer)} is not a URL (e.g. https://token.actions.githubusercontent.com)`);
    if (!io.host) throw new CliError('this build of keyless cannot read files for the audit');
    const report = await runAudit(
      { paths: positionals, live: Boolean(v.live), ...(audience !== undefined ? { audience } : {}), ...(issuer !== undefined ? { issuer } : {}) },
      io.host,
      io.stderr,
    );
    const host = io.host;
    const out: Record<Format, () => string> = {
      table: () => formatAuditTable(report),
      json: () => `${JSON.stringify(auditJson(report), null, 2)}\n`,
      sarif: () => `${JSON.stringify(toSarif(report, { toolVersion: io.version, uriOf: (file) => artifactUri(host.cwd, file) }), null, 2)}\n`,
    };
    io.stdout(out[format as Format]());
    return report.roles.some((r) => r.findings.some((f) => f.severity === 'error')) ? 3 : 0;
  });
}
