/** Principal rules: which statements trust an OIDC principal, which providers they trust, and findings on Principal. */
import { ENTERPRISE_REFERENCE_NOTE, WEB_IDENTITY_ACTION, conditionKeyPrefix, isEnterpriseReferencePrefix, isGitHubProvider } from './keys.js';
import type { ParsedStatement } from './policy.js';
import { looksLikeTemplate } from './evaluate.js';
import { matchesStringLike } from './wildcard.js';
import type { Findings } from './lint-findings.js';

function coversWebIdentity(s: ParsedStatement): boolean {
  const wanted = WEB_IDENTITY_ACTION.toLowerCase();
  const covered = s.action.values.some((a) => matchesStringLike(a.toLowerCase(), wanted));
  return s.action.negated ? !covered : covered;
}

/** Statements that can grant or deny sts:AssumeRoleWithWebIdentity to an OIDC token. */
export function isWebIdentityStatement(s: ParsedStatement): boolean {
  return coversWebIdentity(s) && (s.principal.anyone || s.principal.federated.length > 0);
}

/** The OIDC providers a statement trusts, when its principal is concrete; undefined when unknown. */
export function statementProviders(s: ParsedStatement, issuer: string | undefined): string[] | undefined {
  if (issuer !== undefined) return [conditionKeyPrefix(issuer)];
  const providers = s.principal.federated
    .map((arn) => {
      const m = /^arn:[^:]*:iam::[^:]*:oidc-provider\/(.+)$/.exec(arn);
      return m && !looksLikeTemplate(m[1]!) ? conditionKeyPrefix(m[1]!) : undefined;
    })
    .filter((p): p is string => p !== undefined);
  return providers.length > 0 && providers.length === s.principal.federated.length ? providers : undefined;
}

export function lintPrincipal(s: ParsedStatement, issuer: string | undefined, out: Findings): void {
  if (s.principal.anyone) {
    out.add('principal-not-github', s.principalPath, 'Principal "*" trusts every principal, not only the GitHub OIDC provider; use {"Federated": "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com"}');
  }
  const expected = issuer !== undefined ? conditionKeyPrefix(issuer) : undefined;
  s.principal.federated.forEach((arn, i) => {
    const path = s.principal.federatedPaths[i]!;
    const loose = /^arn:([^:]*):iam::([^:]*):oidc-provider\/(.+)$/.exec(arn);
    if (!loose) {
      if (looksLikeTemplate(arn)) {
        out.add('unresolved-placeholder', path, `Principal.Federated ${JSON.stringify(arn)} looks like an unrendered template placeholder; lint the rendered policy to check the provider`);
      } else {
        out.add('principal-not-github', path, `Principal.Federated ${JSON.stringify(arn)} is not an OIDC provider ARN (arn:<partition>:iam::<12-digit account>:oidc-provider/token.actions.githubusercontent.com)`);
      }
      return;
    }
    const [, partition, account, rawProvider] = loose as unknown as [string, string, string, string];
    if (looksLikeTemplate(rawProvider)) {
      out.add('unresolved-placeholder', path, `Principal.Federated ${JSON.stringify(arn)} has template placeholders for the provider; lint the rendered policy to check it is token.actions.githubusercontent.com`);
      return;
    } else {
      const provider = conditionKeyPrefix(rawProvider);
      if (expected !== undefined ? provider !== expected : !isGitHubProvider(provider)) {
        const why = isEnterpriseReferencePrefix(provider) ? `; ${ENTERPRISE_REFERENCE_NOTE}` : '';
        out.add(
          'principal-not-github',
          path,
          `Principal.Federated trusts the OIDC provider "${provider}", not ${expected !== undefined ? `"${expected}"` : 'the GitHub Actions provider (token.actions.githubusercontent.com)'}${why}`,
        );
        return;
      }
      if (rawProvider !== provider) {
        // IAM keeps the provider URL as given and STS compares the token's iss with it exactly.
        out.add(
          'principal-not-github',
          path,
          `Principal.Federated names the provider ${JSON.stringify(rawProvider)}; IAM matches the provider URL exactly (case and a trailing slash included), so tokens from https://${provider} never match it: use ${JSON.stringify(provider)}`,
        );
        return;
      }
    }
    const partitionTemplate = looksLikeTemplate(partition);
    if (!partitionTemplate && !/^aws(-[a-z]+)*$/.test(partition)) {
      out.add('principal-not-github', path, `Principal.Federated ${JSON.stringify(arn)} has the partition ${JSON.stringify(partition)}; expected aws, aws-cn, aws-us-gov, …`);
    } else if (!/^\d{12}$/.test(account)) {
      if (looksLikeTemplate(account) || /^[A-Za-z_#-]+$/.test(account) || /[xX#]{3,}/.test(account)) {
        out.add('unresolved-placeholder', path, `the account in Principal.Federated ${JSON.stringify(arn)} is a placeholder (${JSON.stringify(account)}); put the 12-digit AWS account id that holds the OIDC provider`);
      } else {
        out.add('principal-not-github', path, `the account in Principal.Federated ${JSON.stringify(arn)} is ${JSON.stringify(account)}, not a 12-digit AWS account id, so no token matches it`);
      }
    } else if (partitionTemplate) {
      out.add('unresolved-placeholder', path, `the partition in Principal.Federated ${JSON.stringify(arn)} is a template placeholder`);
    }
  });
}
