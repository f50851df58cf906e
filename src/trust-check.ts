import type { Claims } from './oidc/verify.js';
import type { RoleArn } from './settings.js';
import type { Logger } from './runner.js';

export async function checkTrustPolicy(_file: string, _claims: Claims, _role: RoleArn, _log: Logger): Promise<void> {
  throw new Error('trust-policy: not wired yet');
}

export async function explainWithTrustPolicy(_file: string, _claims: Claims, _role: RoleArn): Promise<string[]> {
  return [];
}
