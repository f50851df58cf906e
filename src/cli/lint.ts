/** `keyless trust-policy lint`: static checks of a trust policy file. */
import { DEFAULT_TRUST_POLICY_QUOTA, hasLintErrors, lintTrustPolicy, parseTrustPolicy, trustPolicySize } from '../trust/index.js';
import { parseFlags, requireFlags } from './args.js';
import { EXIT_FAILED, EXIT_OK, type CliIo } from './cli-io.js';
import { checkedIssuer, loadPolicyFile } from './flag-inputs.js';
import { formatLintReport, lintJson } from './format.js';
import { LINT_HELP } from './help.js';
import { CliError, parseMaxSize } from './inputs.js';

export function lintCommand(args: string[], io: CliIo): number {
  const command = 'trust-policy lint';
  const v = parseFlags(
    args,
    { policy: { type: 'string' }, audience: { type: 'string' }, issuer: { type: 'string' }, 'max-size': { type: 'string' }, json: { type: 'boolean' }, verbose: { type: 'boolean' } },
    command,
  );
  if (v.help) {
    io.stdout(LINT_HELP);
    return EXIT_OK;
  }
  requireFlags([{ flag: '--policy', what: 'the trust policy file', given: v.policy !== undefined && v.policy !== '' }], command);
  const file = v.policy as string;
  const audience = v.audience as string | undefined;
  if (audience !== undefined && audience.trim() === '') throw new CliError('--audience must not be empty');
  const issuer = checkedIssuer(v.issuer as string | undefined);
  const sizeQuota = v['max-size'] !== undefined ? parseMaxSize(v['max-size'] as string) : undefined;
  const policy = loadPolicyFile(io, file);
  const findings = lintTrustPolicy(policy, {
    ...(audience !== undefined ? { audience } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(sizeQuota !== undefined ? { sizeQuota } : {}),
  });
  const size = { characters: trustPolicySize(parseTrustPolicy(policy).document), quota: sizeQuota ?? DEFAULT_TRUST_POLICY_QUOTA, quotaStated: sizeQuota !== undefined };
  io.stdout(v.json ? lintJson(file, findings, { size }) : formatLintReport(file, findings, v.verbose === true));
  return hasLintErrors(findings) ? EXIT_FAILED : EXIT_OK;
}
