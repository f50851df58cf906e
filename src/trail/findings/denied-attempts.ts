/** denied-attempts (warning): AssumeRoleWithWebIdentity calls STS refused, per role, subject and error. */
import type { FailedAttempt } from '../types.js';
import { q, type TrailFinding } from './types.js';

export function deniedAttempts(failed: readonly FailedAttempt[]): TrailFinding[] {
  return failed.map((f) => ({
    rule: 'denied-attempts',
    severity: 'warning',
    role: f.role,
    subject: f.subject,
    message: `${f.count} failed AssumeRoleWithWebIdentity (${q(f.errorCode)}) by ${q(f.subject)} for ${q(f.role)} between ${f.first} and ${f.last}, from ${[...f.sourceIps].map(q).join(', ') || 'an unknown address'}`,
  }));
}
