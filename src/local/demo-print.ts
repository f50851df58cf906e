/** What `npm start` prints about a run: the log as the runner shows it, with secrets masked. Pure. */
import type { ActionRun } from './harness.js';

/** What the runner does with ::add-mask::: every later occurrence of a masked value becomes ***. */
export function masked(text: string, masks: readonly string[]): string {
  return [...masks].sort((a, b) => b.length - a.length).reduce((out, secret) => out.split(secret).join('***'), text);
}

export function heading(title: string): string {
  return `── ${title} ──`;
}

/** The action's log, its exit code, and what later steps would find in GITHUB_ENV and GITHUB_OUTPUT. */
export function formatRun(run: ActionRun): string {
  const log = run.stdout
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .map((line) => line.replace(/^::(error|warning)::/, '$1: ').replace(/%0A/g, '\n       ').replace(/%0D/g, '').replace(/%25/g, '%'));
  const lines = [heading('action log (as the runner shows it)'), masked(log.join('\n'), run.masks)];
  lines.push(heading(`exit code ${run.exitCode}, ${run.durationMs.toFixed(0)} ms`));
  if (Object.keys(run.env).length > 0) {
    lines.push(heading('environment of later steps (GITHUB_ENV)'));
    for (const [name, value] of Object.entries(run.env)) lines.push(`${name}=${masked(value, run.masks)}`);
  }
  if (Object.keys(run.outputs).length > 0) {
    lines.push(heading('step outputs (GITHUB_OUTPUT)'));
    for (const [name, value] of Object.entries(run.outputs)) lines.push(`${name}=${masked(value, run.masks)}`);
  }
  return lines.join('\n');
}

/** The promise "nothing left the runner", counted at the local STS. */
export function stsCallsLine(calls: readonly { action: string }[]): string {
  if (calls.length === 0) return 'STS received 0 requests: the token never left the runner.';
  const actions = [...new Set(calls.map((c) => c.action))].join(', ');
  return `STS received ${calls.length} request${calls.length === 1 ? '' : 's'} (${actions}).`;
}

/** Audit JSONL, one pretty-printed record after another (no secrets: the records hold none). */
export function formatAuditRecords(jsonl: string): string {
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.stringify(JSON.parse(line), null, 2);
      } catch {
        return JSON.stringify(line);
      }
    })
    .join('\n');
}
