/** A trail finding: JSON fields as in `trust-policy audit` (rule, severity, message) plus role and subject. */
import { quote } from '../../shared/outside-text.js';
export type TrailSeverity = 'error' | 'warning' | 'note';

export interface TrailFinding {
  readonly rule: 'unexpected-subject' | 'denied-attempts' | 'session-ip-changed' | 'unused-trust' | 'unmatched-session';
  readonly severity: TrailSeverity;
  readonly role: string;
  readonly subject: string | null;
  readonly message: string;
  /** The sessions it concerns (access key ids), where it concerns sessions. */
  readonly sessions?: readonly string[];
}

/** Quoted by the one sink for outside text (JSON, control and bidi characters escaped): nothing from the logs reaches a terminal raw. */
export const q = (value: string): string => quote(value);
