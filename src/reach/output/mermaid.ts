/**
 * The paths as a mermaid flowchart (GitHub renders it in a job summary or README): who → trigger →
 * workflow:job → role, edges labelled with the subject and gates. Labels are escaped: mermaid reads
 * `"` and `#` specially, and text from outside never ends a label early.
 */
import type { ReachReport } from '../analyse.js';

function label(text: string): string {
  return `"${text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;')).slice(0, 120)}"`;
}

export function reachMermaid(report: ReachReport): string {
  const ids = new Map<string, string>();
  const nodes: string[] = [];
  const edges = new Set<string>();
  const node = (key: string, text: string, shape: 'box' | 'round' | 'stadium'): string => {
    let id = ids.get(key);
    if (id) return id;
    id = `n${ids.size}`;
    ids.set(key, id);
    nodes.push(shape === 'box' ? `  ${id}[${label(text)}]` : shape === 'round' ? `  ${id}(${label(text)})` : `  ${id}([${label(text)}])`);
    return id;
  };
  for (const r of report.roles) {
    const role = node(`role:${r.role.role}`, r.role.role, 'stadium');
    for (const p of r.paths) {
      const who = node(`who:${p.starter.who}`, p.starter.who, 'round');
      const trigger = node(`trigger:${p.run.event}`, p.run.event, 'box');
      const job = node(`job:${p.job.workflow.path}:${p.job.job.id}:${p.job.jobWorkflow.path}`, `${p.job.workflow.path.replace('.github/workflows/', '')}:${p.job.job.id}`, 'box');
      edges.add(`  ${who} --> ${trigger}`);
      edges.add(`  ${trigger} --> ${job}`);
      const gate = p.gates.reviewed ? 'reviewed' : p.gates.ruled ? 'branch rule' : p.starter.kind === 'outsider' ? 'NO REVIEW' : 'no review';
      edges.add(`  ${job} -->|${label(`${p.run.claims.sub} · ${gate}`)}| ${role}`);
    }
  }
  const outsiders = report.roles.flatMap((r) => r.paths.filter((p) => p.starter.kind === 'outsider').map((p) => ids.get(`who:${p.starter.who}`)!));
  const style = [...new Set(outsiders)].map((id) => `  style ${id} fill:#fdd,stroke:#c00`);
  return ['flowchart LR', ...nodes, ...edges, ...style].join('\n') + '\n';
}
