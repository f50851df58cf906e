/** One entry for the four output formats. */
import type { TrailReport } from '../report.js';
import { trailCsv } from './csv.js';
import { trailJson } from './json.js';
import { trailMarkdown } from './markdown.js';
import { trailTable } from './table.js';

export function formatTrail(report: TrailReport, format: 'table' | 'json' | 'csv' | 'markdown', now: Date = new Date()): string {
  if (format === 'json') return trailJson(report);
  if (format === 'csv') return trailCsv(report);
  if (format === 'markdown') return trailMarkdown(report, now.toISOString());
  return trailTable(report);
}
