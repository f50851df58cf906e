/**
 * A path in words: `who → trigger → workflow:job → subject → gates → role`. Every piece that comes
 * from outside (file names, job ids, environment names, role names) is quoted JSON-style so that no
 * line break, `::` or escape sequence reaches the terminal raw.
 */
import type { ReachPath } from './join.js';
import { quote } from '../shared/outside-text.js';

/** The sink's quoting for text from outside, only where it needs it (plain names stay readable). */
export function q(value: string): string {
  return /^[A-Za-z0-9._\/@:*+=,-]+$/.test(value) && !value.startsWith('::') ? value : quote(value);
}

/** Known coding agents: a job running one on issue or comment events is an outsider path. */
const AGENTS = /^(anthropics\/claude-code(-base)?-action|openai\/codex-action|google-github-actions\/run-gemini-cli|github\/copilot[^@]*|coderabbitai\/[^@]+|sst\/opencode[^@]*|block\/goose[^@]*)@/i;

export function agentOf(path: ReachPath): string | undefined {
  return path.job.steps.map((s) => s.uses ?? '').find((u) => AGENTS.test(u))?.split('@')[0];
}

export function jobLabel(path: ReachPath): string {
  const called = path.job.jobWorkflow !== path.job.workflow ? ` (calls ${q(path.job.jobWorkflow.path)})` : '';
  return `${q(path.job.workflow.path)}:${q(path.job.job.id)}${called}`;
}

export function gatesText(path: ReachPath): string {
  const g = path.gates;
  const parts = [...g.enforced, ...g.guards.map((c) => `in-workflow guard if: ${q(c)} (a writer can change it)`), ...g.unknown.map((u) => `unknown: ${u}`)];
  return parts.length > 0 ? parts.join('; ') : 'no gate';
}

export function pathText(path: ReachPath, role: string): string {
  const agent = agentOf(path);
  return [
    path.starter.who + (agent ? ` (the job runs the coding agent ${agent})` : ''),
    `${path.run.event} on ${q(path.run.ref)}`,
    jobLabel(path),
    q(path.run.claims.sub!),
    gatesText(path),
    q(role),
  ].join(' → ');
}
