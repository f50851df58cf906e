/** The human report of a `setup aws --apply` plan: what exists, what changes, the trust policy diff and lint findings. Pure. */
import type { LintFinding } from '../trust/index.js';
import { providerUrl, type SetupIntent } from './intent.js';
import type { PlanStep, SetupPlan } from './plan.js';

export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'create-provider':
      return `create the IAM OIDC provider for ${step.url} (audience ${step.clientIds.join(', ')})`;
    case 'add-client-id':
      return `add the audience ${step.clientId} to the OIDC provider ${step.providerArn}`;
    case 'create-role':
      return `create the role ${step.roleName} with the trust policy above`;
    case 'update-trust-policy':
      return `replace the trust policy of ${step.roleName} (diff above)`;
    case 'update-max-session-duration':
      return `change the maximum session duration of ${step.roleName} from ${step.from} s to ${step.to} s`;
    case 'put-permissions-boundary':
      return step.from === undefined
        ? `set the permissions boundary of ${step.roleName} to ${step.to}`
        : `replace the permissions boundary of ${step.roleName}, ${step.from}, by ${step.to}`;
    case 'attach-policy':
      return `attach ${step.policyArn} to ${step.roleName}`;
  }
}

function findingLines(title: string, findings: readonly LintFinding[]): string[] {
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (findings.length === 0) return [`${title}: no findings`];
  const lines = [`${title}: ${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'}`];
  for (const f of findings) lines.push(`  ${f.severity.padEnd(7)} ${f.ruleId}  ${f.path}`, `          ${f.message}`);
  return lines;
}

/** The plan as text, for stdout before the question. `intendedPolicy` is the document the role gets. */
export function formatPlan(intent: SetupIntent, plan: SetupPlan, intendedPolicy: string): string {
  const lines: string[] = [`keyless setup aws --apply: role ${intent.roleName} in account ${plan.account ?? '(that of your credentials; IAM tells it when the provider is created)'}`, ''];
  const created = plan.steps.some((s) => s.kind === 'create-provider');
  lines.push(created ? `OIDC provider for ${providerUrl(intent)}: none yet` : `OIDC provider: ${plan.providerArn ?? ''}`);
  if (plan.roleArn === undefined) {
    lines.push(`Role ${intent.roleName}: none yet. Its trust policy (it admits exactly the runs named):`, ...intendedPolicy.split('\n').map((l) => `  ${l}`));
  } else if (plan.trustChange === undefined) {
    lines.push(`Role ${plan.roleArn}: its trust policy is already the intended one`);
  } else {
    const change = plan.trustChange;
    lines.push(`Role ${plan.roleArn}: its trust policy differs from the intended one:`, '  --- current', '  +++ intended', ...change.diff.map((l) => `  ${l}`), '');
    lines.push(...findingLines('Lint, current policy', change.currentFindings), ...findingLines('Lint, intended policy', change.intendedFindings), '');
    if (change.widens.length > 0) {
      lines.push('WIDENS THE TRUST: the intended policy admits runs that the current one denies:', ...change.widens.map((w) => `  + ${w}`));
    } else {
      lines.push('Does not widen the trust: every run the intended policy admits, the current one admits too.');
    }
    if (change.narrows.length > 0) lines.push('Narrows the trust: the current policy admits these, the intended one does not:', ...change.narrows.map((n) => `  - ${n}`));
  }
  lines.push('');
  if (plan.steps.length === 0) {
    lines.push('Nothing to change: IAM already matches (no write calls made).');
  } else {
    lines.push(`Changes (${plan.steps.length}):`, ...plan.steps.map((step, i) => `  ${i + 1}. ${describeStep(step)}`));
  }
  return `${lines.join('\n')}\n`;
}
