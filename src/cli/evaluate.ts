/** `keyless trust-policy evaluate`: would this token (claims or JWT) be allowed to assume the role? */
import { evaluateTrustPolicy, missingClaims, parseRoleArn } from '../trust/index.js';
import { parseFlags, requireFlags } from './args.js';
import { EXIT_FAILED, EXIT_OK, type CliIo } from './cli-io.js';
import { checkedIssuer, loadPolicyFile, readInput } from './flag-inputs.js';
import { evaluateJson, formatEvaluateReport, formatMissingClaims, UNVERIFIED_TOKEN_NOTICE } from './format.js';
import { EVALUATE_HELP } from './help.js';
import { claimsFromJson, claimsFromToken, CliError, parseJsonInput } from './inputs.js';

export function evaluateCommand(args: string[], io: CliIo): number {
  const command = 'trust-policy evaluate';
  const v = parseFlags(
    args,
    {
      policy: { type: 'string' },
      claims: { type: 'string' },
      token: { type: 'string' },
      issuer: { type: 'string' },
      action: { type: 'string' },
      'role-arn': { type: 'string' },
      json: { type: 'boolean' },
    },
    command,
  );
  if (v.help) {
    io.stdout(EVALUATE_HELP);
    return EXIT_OK;
  }
  const claimsFile = v.claims as string | undefined;
  const tokenFile = v.token as string | undefined;
  if (claimsFile !== undefined && tokenFile !== undefined) throw new CliError('give either --claims or --token, not both');
  requireFlags(
    [
      { flag: '--policy', what: 'the trust policy file', given: v.policy !== undefined && v.policy !== '' },
      { flag: '--claims FILE.json or --token FILE.jwt', what: 'the token to evaluate', given: claimsFile !== undefined || tokenFile !== undefined },
    ],
    command,
  );
  const policyFile = v.policy as string;
  const roleArn = v['role-arn'] as string | undefined;
  if (roleArn !== undefined && !parseRoleArn(roleArn)) {
    throw new CliError(`--role-arn ${JSON.stringify(roleArn)}: expected a role ARN such as arn:aws:iam::123456789012:role/deploy`);
  }
  const policy = loadPolicyFile(io, policyFile);
  const claims =
    tokenFile !== undefined
      ? claimsFromToken(readInput(io, '--token', tokenFile), tokenFile)
      : claimsFromJson(parseJsonInput(readInput(io, '--claims', claimsFile!), '--claims', claimsFile!), claimsFile!);
  const issuer = checkedIssuer(v.issuer as string | undefined);
  const decision = evaluateTrustPolicy(policy, claims, {
    ...(issuer !== undefined ? { issuer } : {}),
    ...(v.action !== undefined ? { action: v.action as string } : {}),
    ...(roleArn !== undefined ? { roleArn } : {}),
  });
  const missing = missingClaims(policy, claims, issuer);
  if (v.json) {
    const inputs = { policy: policyFile, ...(claimsFile !== undefined ? { claims: claimsFile } : {}), ...(tokenFile !== undefined ? { token: tokenFile } : {}) };
    io.stdout(evaluateJson(decision, inputs, missing));
  } else {
    if (tokenFile !== undefined) io.stderr(`note: ${UNVERIFIED_TOKEN_NOTICE}\n`);
    io.stdout(formatEvaluateReport(decision));
    if (missing.length > 0) io.stderr(formatMissingClaims(missing, tokenFile !== undefined ? `--token ${JSON.stringify(tokenFile)}` : `--claims ${JSON.stringify(claimsFile)}`));
  }
  return decision.allowed ? EXIT_OK : EXIT_FAILED;
}
