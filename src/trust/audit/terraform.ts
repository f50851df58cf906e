/**
 * Roles from Terraform plan JSON (`terraform show -json PLAN`): every managed `aws_iam_role`, its
 * `assume_role_policy` from planned_values (or the planned change). When the plan has it as
 * "known after apply", the role's configuration names the `aws_iam_policy_document` data source it
 * comes from, and the data source's `json` is used where the plan read it.
 */
import { get, type LNode } from './located.js';
import { policyWithLines } from './iam.js';
import type { FoundRole } from './types.js';

/** True for a document that looks like plan (or state) JSON. */
export function isTerraformPlan(root: LNode): boolean {
  return get(root, 'format_version') !== undefined && (get(root, 'planned_values') !== undefined || get(root, 'resource_changes') !== undefined);
}

const str = (node: LNode | undefined): string | undefined => (node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined);

/** Every resource object in a module tree (`resources`, recursively through `child_modules`). */
function resources(module: LNode | undefined, out: LNode[] = []): LNode[] {
  const list = get(module, 'resources');
  if (list?.kind === 'seq') out.push(...list.items);
  const children = get(module, 'child_modules');
  if (children?.kind === 'seq') for (const child of children.items) resources(child, out);
  return out;
}

/** `module.a["x"].module.b.aws_iam_role.r[0]` → `module.a.module.b` (the configuration's module path). */
function moduleOf(address: string): { instance: string; config: string[] } {
  const parts = address.match(/module\.[^.[]+(\[[^\]]*\])?/g) ?? [];
  const instance = parts.join('.');
  return { instance, config: parts.map((p) => p.replace(/^module\./, '').replace(/\[.*$/, '')) };
}

function configResource(configuration: LNode | undefined, address: string): LNode | undefined {
  let module = get(configuration, 'root_module');
  for (const name of moduleOf(address).config) module = get(get(get(module, 'module_calls'), name), 'module');
  const local = address.replace(/^(module\.[^.[]+(\[[^\]]*\])?\.)+/, '').replace(/\[[^\]]*\]$/, '');
  const list = get(module, 'resources');
  return list?.kind === 'seq' ? list.items.find((r) => str(get(r, 'address')) === local) : undefined;
}

/** Reads a plan's roles. */
export function terraformRoles(root: LNode, file: string | undefined): FoundRole[] {
  const data = new Map<string, LNode>();
  for (const module of [get(get(root, 'prior_state'), 'values'), get(root, 'planned_values')]) {
    for (const r of resources(get(module, 'root_module'))) {
      const address = str(get(r, 'address'));
      if (str(get(r, 'mode')) === 'data' && address && !data.has(address)) data.set(address, r);
    }
  }
  const changes = new Map<string, LNode>();
  const list = get(root, 'resource_changes');
  if (list?.kind === 'seq') for (const c of list.items) if (str(get(c, 'address'))) changes.set(str(get(c, 'address'))!, c);

  const roles = new Map<string, LNode>();
  for (const r of resources(get(get(root, 'planned_values'), 'root_module'))) {
    if (str(get(r, 'mode')) === 'managed' && str(get(r, 'type')) === 'aws_iam_role') roles.set(str(get(r, 'address'))!, r);
  }
  for (const [address, c] of changes) {
    if (!roles.has(address) && str(get(c, 'mode')) === 'managed' && str(get(c, 'type')) === 'aws_iam_role' && get(get(c, 'change'), 'after')?.kind === 'map') {
      roles.set(address, get(get(c, 'change'), 'after')!);
    }
  }

  const out: FoundRole[] = [];
  for (const [address, node] of roles) {
    const source = { format: 'terraform-plan' as const, ...(file !== undefined ? { file } : {}), line: node.line };
    const values = get(node, 'values') ?? node;
    let policyNode = get(values, 'assume_role_policy') ?? get(get(get(changes.get(address), 'change'), 'after'), 'assume_role_policy');
    if (!str(policyNode)) {
      const expression = get(get(configResource(get(root, 'configuration'), address), 'expressions'), 'assume_role_policy');
      const references = get(expression, 'references');
      const module = moduleOf(address).instance;
      for (const ref of references?.kind === 'seq' ? references.items : []) {
        const m = /^(data\.aws_iam_policy_document\.[^.]+)\.json$/.exec(str(ref) ?? '');
        if (!m) continue;
        const target = module ? `${module}.${m[1]}` : m[1]!;
        const candidates = [...data.keys()].filter((a) => a === target || a.startsWith(`${target}[`));
        const found = candidates.length === 1 ? data.get(candidates[0]!) : undefined;
        if (str(get(get(found, 'values'), 'json'))) policyNode = get(get(found, 'values'), 'json');
      }
      if (!str(policyNode)) {
        const dataConfig = (references?.kind === 'seq' ? references.items : []).map((ref) => {
          const local = (str(ref) ?? '').replace(/\.json$/, '');
          return configResource(get(root, 'configuration'), module ? `${module}.${local}` : local);
        });
        const text = JSON.stringify([expression ?? null, dataConfig]);
        out.push({
          role: address,
          source,
          policies: [],
          notes: [
            {
              rule: 'unresolved-value',
              severity: 'warning',
              message: 'the plan has assume_role_policy as "known after apply", and no data source it references was read: audit a plan where it is known, or the deployed role (--live)',
              path: '$',
            },
          ],
          // GitHub named in the configuration: it does; other principals named: it does not; nothing: unknown.
          trustsGitHub: /token\.actions\.githubusercontent\.com|_services\/token|github/i.test(text)
            ? true
            : /amazonaws\.com|principals?|Federated|identifiers/i.test(text)
              ? false
              : 'unknown',
        });
        continue;
      }
    }
    const { policy, lines } = policyWithLines(policyNode!);
    out.push({ role: address, source, policies: [policy], lines, notes: [] });
  }
  return out;
}
