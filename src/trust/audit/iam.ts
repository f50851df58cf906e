/**
 * Roles from IAM's own output: `aws iam get-account-authorization-details` (RoleDetailList),
 * `aws iam list-roles` (Roles), `aws iam get-role` (Role), and bare trust policy documents. The
 * API returns AssumeRolePolicyDocument URL-encoded; the CLI decodes it to an object: both work.
 */
import { get, lineIndex, toPlain, type LNode } from './located.js';
import type { FoundRole, SourceFormat } from './types.js';

/** The policy and the line of each of its paths: per path for an object, the string's line for an encoded one. */
export function policyWithLines(node: LNode): { policy: unknown; lines: Map<string, number> } {
  if (node.kind === 'scalar') return { policy: node.value, lines: new Map([['$', node.line]]) };
  return { policy: toPlain(node), lines: lineIndex(node) };
}

function roleEntry(node: LNode, file: string | undefined, format: SourceFormat): FoundRole | undefined {
  const document = get(node, 'AssumeRolePolicyDocument');
  if (!document) return undefined;
  const name = get(node, 'RoleName');
  const arn = get(node, 'Arn');
  const label = name?.kind === 'scalar' && name.value !== null ? String(name.value) : arn?.kind === 'scalar' ? String(arn.value) : '(unnamed role)';
  const { policy, lines } = policyWithLines(document);
  return {
    role: label,
    ...(arn?.kind === 'scalar' && typeof arn.value === 'string' ? { roleArn: arn.value } : {}),
    source: { format, ...(file !== undefined ? { file } : {}), line: node.line },
    policies: [policy],
    lines,
    notes: [],
  };
}

/** Roles in an IAM output document, or undefined when the document is none of those. */
export function iamRoles(root: LNode, file: string | undefined, name: string): FoundRole[] | undefined {
  const lists: [string, SourceFormat][] = [
    ['RoleDetailList', 'iam-authorization-details'],
    ['Roles', 'iam-list-roles'],
  ];
  for (const [key, format] of lists) {
    const list = get(root, key);
    if (list?.kind === 'seq') return list.items.flatMap((item) => roleEntry(item, file, format) ?? []);
  }
  const role = get(root, 'Role');
  if (role?.kind === 'map') {
    const found = roleEntry(role, file, 'iam-get-role');
    return found ? [found] : [];
  }
  // A policy document, or its {"AssumeRolePolicyDocument": …} wrapper.
  const wrapped = get(root, 'AssumeRolePolicyDocument');
  if (wrapped || get(root, 'Statement')) {
    const { policy, lines } = policyWithLines(wrapped ?? root);
    return [{ role: name, source: { format: 'policy', ...(file !== undefined ? { file } : {}), line: root.line }, policies: [policy], lines, notes: [] }];
  }
  return undefined;
}
