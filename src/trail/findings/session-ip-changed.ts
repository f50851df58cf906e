/**
 * session-ip-changed (warning): the session's key was used from another address than the one that
 * assumed the role, the pattern Elastic's "GitHub Actions OIDC credentials used from a suspicious
 * network" rule looks for (a key taken off the runner). AWS services calling for the session
 * (`cloudformation.amazonaws.com`) are not addresses and do not count.
 */
import { isNetworkAddress } from '../sessions/fields.js';
import type { Session } from '../types.js';
import { q, type TrailFinding } from './types.js';

export function sessionIpChanged(sessions: readonly Session[]): TrailFinding[] {
  const out: TrailFinding[] = [];
  for (const s of sessions) {
    const origin = s.sourceIp;
    const others = isNetworkAddress(origin) ? [...s.activity.ips].filter((ip) => ip !== origin) : [];
    if (others.length > 0) {
      out.push({
        rule: 'session-ip-changed',
        severity: 'warning',
        role: s.role,
        subject: s.subject,
        message: `session ${q(s.sessionName)} (key ${q(s.accessKeyId)}) was assumed from ${q(origin!)} but its key was used from ${others.map(q).join(', ')}`,
        sessions: [s.accessKeyId],
      });
    }
    out.push(...sessionIpChanged(s.chained));
  }
  return out;
}
