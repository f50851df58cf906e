/**
 * What the pipeline needs only once STS has answered: the export plan and its writes, the audit
 * record and the job summary. One chunk, which run.ts starts loading while the requests are on the
 * wire, so that its code is not compiled before the first connection leaves.
 */
export { maskSecrets, planExport, type ProfileExport } from '../export/plan.js';
export { writeExports } from '../export/apply.js';
export { renderSummary } from '../export/summary.js';
export { appendAuditRecord, buildAuditRecord, renderAuditSummary, type AuditRecord } from '../job/audit.js';

