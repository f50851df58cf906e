/** Sessions grouped per role, repository and environment: the summary both the table and the report show. */
import { allSessions } from '../report.js';
import type { Session } from '../types.js';

export interface SummaryRow {
  readonly role: string;
  readonly repository: string | null;
  readonly environment: string | null;
  sessions: number;
  chained: number;
  calls: number;
  writes: number;
  errors: number;
  first: string;
  last: string;
  readonly subjects: Set<string>;
}

export function summarise(roots: readonly Session[]): SummaryRow[] {
  const rows = new Map<string, SummaryRow>();
  for (const s of allSessions(roots)) {
    const id = `${s.role}\u0000${s.repository ?? ''}\u0000${s.environment ?? ''}`;
    let row = rows.get(id);
    if (!row) {
      row = { role: s.role, repository: s.repository, environment: s.environment, sessions: 0, chained: 0, calls: 0, writes: 0, errors: 0, first: s.time, last: s.time, subjects: new Set() };
      rows.set(id, row);
    }
    if (s.kind === 'chained') row.chained++;
    else row.sessions++;
    row.calls += [...s.activity.calls.values()].reduce((n, c) => n + c, 0);
    row.writes += s.activity.writes;
    row.errors += s.activity.errors;
    if (s.time < row.first) row.first = s.time;
    if (s.time > row.last) row.last = s.time;
    if (s.subject !== '') row.subjects.add(s.subject);
  }
  return [...rows.values()].sort((a, b) => (a.role === b.role ? (a.repository ?? '').localeCompare(b.repository ?? '') : a.role < b.role ? -1 : 1));
}
