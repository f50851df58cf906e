/**
 * Finds the roles in one document, whatever it is: IAM output, a Terraform plan, a CloudFormation
 * template (JSON or YAML), or a trust policy. Pure apart from loading the YAML parser.
 */
import { cloudFormationRoles, isCloudFormation } from './cloudformation.js';
import { iamRoles } from './iam.js';
import { parseJsonLocated, type LNode } from './located.js';
import { isTerraformPlan, terraformRoles } from './terraform.js';
import type { FoundRole } from './types.js';
import { parseYamlLocated } from './yaml.js';
import { BoundedParseError } from '../../shared/bounded-parse.js';
import { formatBytes, READ_LIMITS } from '../../shared/bounded-read.js';

export type Syntax = 'json' | 'yaml';

/** JSON when the extension says so or the text starts like JSON; YAML otherwise. */
export function syntaxOf(name: string, text: string): Syntax {
  if (/\.json$/i.test(name)) return 'json';
  if (/\.ya?ml$/i.test(name)) return 'yaml';
  return /^\uFEFF?\s*[[{]/.test(text) ? 'json' : 'yaml';
}

/** Roles in one parsed document, or undefined when it is none of the known kinds. */
export function rolesInDocument(root: LNode, file: string | undefined, name: string): FoundRole[] | undefined {
  if (isTerraformPlan(root)) return terraformRoles(root, file);
  if (isCloudFormation(root)) return cloudFormationRoles(root, file);
  return iamRoles(root, file, name);
}

/**
 * Roles in a file's text. `file` is how the file is shown (undefined for standard input); `name`
 * labels a bare policy. Returns undefined when no document in it is of a known kind. Throws
 * SourceSyntaxError for text that is not valid JSON/YAML, BoundedParseError (naming `name`) for
 * nesting or YAML aliases beyond the shared parse limits.
 */
export async function readRoles(text: string, file: string | undefined, name: string, syntax: Syntax): Promise<FoundRole[] | undefined> {
  const documents = syntax === 'json' ? [parseJsonLocated(text, name)] : await parseYamlLocated(text, name);
  let found: FoundRole[] | undefined;
  for (const root of documents) {
    const roles = rolesInDocument(root, file, name);
    if (roles) found = [...(found ?? []), ...roles];
  }
  for (const role of found ?? []) checkPolicySize(role, name);
  return found;
}

/**
 * One policy is held to the limit of a policy file: IAM stores at most 8,192 characters, and lint
 * and prove grow with the policy (a 6.7 MB one took 5 s and 420 MB), so a huge one is bad input.
 */
function checkPolicySize(role: FoundRole, name: string): void {
  for (const policy of role.policies) {
    const size = JSON.stringify(policy)?.length ?? 0;
    if (size > READ_LIMITS.policyFile) {
      const limit = formatBytes(READ_LIMITS.policyFile);
      throw new BoundedParseError(name, 'too-large', `holds a trust policy of ${size} characters for role ${JSON.stringify(role.role)}, larger than the ${limit} Keyless reads of one policy; expected at most ${limit} (IAM stores at most 8,192 characters)`);
    }
  }
}

/** Cheap test before parsing a file found in a directory: could it hold a role? */
export function mightHoldRoles(text: string): boolean {
  return /AWS::IAM::Role|RoleDetailList|"Roles"|^Roles:|assume_role_policy|AssumeRolePolicyDocument|"Statement"|^Statement:/m.test(text);
}
