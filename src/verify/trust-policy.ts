/**
 * The action's use of the trust-policy engine (input `trust-policy`): the file is read and parsed
 * with the other inputs, before any request; after the token is verified, the policy is evaluated
 * locally so that a run the role would refuse fails with the exact mismatch, before STS.
 * The engine, and the bounded JSON parser, are loaded only when the input is given.
 */
import { BoundedReadError, READ_LIMITS, readFileBounded } from '../shared/bounded-read.js';
import { inputProblem, KeylessError } from '../shared/errors.js';
import type { Claims } from './token.js';
import type { RoleArn } from '../inputs/settings.js';
import type { Logger } from '../shared/ports.js';
import { quoteIfNeeded } from '../shared/outside-text.js';

export interface LoadedTrustPolicy {
  readonly file: string;
  readonly document: unknown;
}

const invalid = (file: string, expected: string) =>
  new KeylessError('invalid-input', `Invalid input: ${inputProblem('trust-policy', file, expected)}`);

/** Reads and checks the policy file; lint errors are reported as warnings, not failures. */
export async function loadTrustPolicy(file: string, expected: { audience: string; issuer: string }, log: Logger): Promise<LoadedTrustPolicy> {
  let text: string;
  try {
    text = await readFileBounded(file, { maxBytes: READ_LIMITS.policyFile });
  } catch (error) {
    throw invalid(file, `a readable JSON trust policy file (${error instanceof BoundedReadError ? (error.systemMessage ?? `it ${error.problem}`) : (error as Error).message})`);
  }
  const { BoundedParseError, parseJsonBounded } = await import('../shared/bounded-parse.js');
  let document: unknown;
  try {
    document = parseJsonBounded(text, { name: file });
  } catch (error) {
    if (error instanceof BoundedParseError) throw invalid(file, `a JSON trust policy document (it ${error.problem})`);
    throw invalid(file, `a JSON trust policy document (${(error as Error).message})`);
  }
  const { parseTrustPolicy, lintTrustPolicy, TrustPolicyError, SIZE_RULE_IDS } = await import('../trust/index.js');
  try {
    parseTrustPolicy(document);
  } catch (error) {
    if (error instanceof TrustPolicyError) throw invalid(file, `a valid IAM trust policy; at ${error.path}: ${error.message}`);
    throw error;
  }
  // The size rules are IAM's business when the policy is saved: a policy in use fits the account's quota.
  for (const finding of lintTrustPolicy(document, expected)) {
    if (finding.severity === 'error' && !SIZE_RULE_IDS.has(finding.ruleId)) log.warning(`trust-policy ${quoteIfNeeded(file)}: ${finding.ruleId} at ${finding.path}: ${finding.message}`);
  }
  return { file, document };
}

export async function checkTrustPolicy(policy: LoadedTrustPolicy, claims: Claims, role: RoleArn, log: Logger): Promise<void> {
  const { evaluateTrustPolicy, formatDecision } = await import('../trust/index.js');
  const decision = evaluateTrustPolicy(policy.document, { ...claims }, { roleArn: role.arn });
  if (!decision.allowed) {
    throw new KeylessError(
      'trust-policy-denied',
      `Trust policy ${policy.file} denies this token for ${role.arn}; STS was not called.`,
      formatDecision(decision).split('\n'),
    );
  }
  log.info(`Trust policy ${quoteIfNeeded(policy.file)} admits this token: ${decision.summary}`);
}

/** After an STS AccessDenied: what the local copy of the trust policy says about the same claims. */
export async function explainWithTrustPolicy(policy: LoadedTrustPolicy, claims: Claims): Promise<string[]> {
  const { evaluateTrustPolicy, formatDecision } = await import('../trust/index.js');
  const decision = evaluateTrustPolicy(policy.document, { ...claims });
  const report = formatDecision(decision).split('\n');
  if (decision.allowed) {
    return [
      `${policy.file} admits these claims, yet STS refused: the role's trust policy in AWS is not this file, or the OIDC provider in the Federated principal is not in the role's account.`,
      ...report,
    ];
  }
  return [`Evaluated against ${policy.file}:`, ...report];
}
