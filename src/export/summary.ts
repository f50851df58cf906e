/** The job summary: what was assumed, for whom, until when. Never a secret. Pure. */
import type { AssumedRole } from '../assume/sts.js';
import type { Claims } from '../verify/token.js';
import type { RoleArn, Settings } from '../inputs/settings.js';

/**
 * Claim values are attacker-influenced (branch names, environment names): escape everything,
 * line breaks included, so that a value stays inside its table cell.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'\r\n]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderSummary(input: { settings: Settings; role: RoleArn; assumed: AssumedRole; claims: Claims }): string {
  const { settings, role, assumed, claims } = input;
  const rows: [string, string][] = [
    ['Role', role.arn],
    ['Session name', settings.roleSessionName],
    ['Account', settings.maskAccountId ? '***' : assumed.account],
    ['Expiration', assumed.expiration.toISOString()],
    ['Token subject', String(claims.sub)],
  ];
  if (typeof claims.environment === 'string') rows.push(['Environment', claims.environment]);
  const body = rows.map(([name, value]) => `<tr><th align="left">${escapeHtml(name)}</th><td><code>${escapeHtml(value)}</code></td></tr>`).join('');
  return `<h3>Keyless: AWS credentials</h3>\n<table>${body}</table>\n`;
}
