/**
 * Roles from CloudFormation templates (YAML or JSON): every `AWS::IAM::Role` and its
 * AssumeRolePolicyDocument, intrinsics resolved (intrinsics.ts). A template that branches with
 * Fn::If yields one policy per choice of its conditions, all linted.
 */
import { get, type LNode } from './located.js';
import { conditionParameters, conditionWithDefaults, ifConditions, Resolver, type Template } from './intrinsics.js';
import type { AuditFinding, FoundRole } from './types.js';

/** Up to 2^4 variants; more conditions than that are all taken as false beyond the first four. */
const MAX_VARIED_CONDITIONS = 4;

export function isCloudFormation(root: LNode): boolean {
  const resources = get(root, 'Resources');
  if (resources?.kind !== 'map') return false;
  if (get(root, 'AWSTemplateFormatVersion') !== undefined) return true;
  return resources.entries.some((e) => {
    const type = get(e.value, 'Type');
    return type?.kind === 'scalar' && typeof type.value === 'string' && /^AWS::/.test(type.value);
  });
}

function choices(names: readonly string[]): Map<string, boolean>[] {
  const varied = names.slice(0, MAX_VARIED_CONDITIONS);
  const out: Map<string, boolean>[] = [];
  for (let bits = 0; bits < 1 << varied.length; bits++) out.push(new Map(varied.map((n, i) => [n, (bits & (1 << i)) !== 0])));
  return out;
}

export function cloudFormationRoles(root: LNode, file: string | undefined): FoundRole[] {
  const template: Template = {
    parameters: get(root, 'Parameters'),
    resources: get(root, 'Resources'),
    mappings: get(root, 'Mappings'),
    conditions: get(root, 'Conditions'),
  };
  const out: FoundRole[] = [];
  for (const entry of template.resources?.kind === 'map' ? template.resources.entries : []) {
    const type = get(entry.value, 'Type');
    if (type?.kind !== 'scalar' || type.value !== 'AWS::IAM::Role') continue;
    const document = get(get(entry.value, 'Properties'), 'AssumeRolePolicyDocument');
    const source = { format: 'cloudformation' as const, ...(file !== undefined ? { file } : {}), line: entry.keyLine };
    if (!document) {
      out.push({ role: entry.key, source, policies: [], notes: [], trustsGitHub: false });
      continue;
    }
    const conditions = [...ifConditions(document)];
    const policies: unknown[] = [];
    const notes: AuditFinding[] = [];
    const seen = new Set<string>();
    const lines = new Map<string, number>();
    for (const choice of choices(conditions)) {
      // A condition taken the other way than the parameter Defaults make it: those Defaults do not apply.
      const unknown = new Set<string>();
      for (const [name, value] of choice) {
        if (conditionWithDefaults(template, name) !== value) for (const p of conditionParameters(template, name)) unknown.add(p);
      }
      const resolver = new Resolver(template, choice, unknown);
      const policy = resolver.resolve(document, '$');
      const key = JSON.stringify(policy);
      for (const note of resolver.notes) if (!notes.some((n) => n.path === note.path && n.message === note.message)) notes.push(note);
      for (const [path, line] of resolver.lines) if (!lines.has(path)) lines.set(path, line);
      if (seen.has(key)) continue;
      seen.add(key);
      policies.push(policy);
    }
    if (conditions.length > 0) {
      notes.push({
        rule: 'template-conditions',
        severity: 'note',
        message: `the policy depends on the condition${conditions.length > 1 ? 's' : ''} ${conditions.join(', ')}: checked every combination (${policies.length === 1 ? 'all give the same policy' : `${policies.length} different policies`})${conditions.length > MAX_VARIED_CONDITIONS ? `; conditions after the first ${MAX_VARIED_CONDITIONS} taken as false` : ''}`,
        path: '$',
      });
    }
    // The whole document from a parameter or another stack: what it trusts cannot be told, so say so.
    const opaque = policies.every((policy) => typeof policy !== 'object' || policy === null);
    if (opaque) {
      notes.push({
        rule: 'unresolved-value',
        severity: 'warning',
        message: 'the trust policy is not in the template (it comes from a parameter or another stack): the audit cannot tell whether it trusts GitHub; audit the deployed role (--live)',
        path: '$',
      });
    }
    out.push({ role: entry.key, source, policies: opaque ? [] : policies, lines, notes, ...(opaque ? { trustsGitHub: 'unknown' as const } : {}) });
  }
  return out;
}
