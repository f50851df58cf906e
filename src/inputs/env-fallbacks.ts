/**
 * configure-aws-credentials' environment-variable inputs: set once at job level (`env:
 * ROLE_TO_ASSUME: …`), each applies when its input is empty, as there. aws-region (AWS_REGION, then
 * AWS_DEFAULT_REGION), http-proxy (HTTPS_PROXY, HTTP_PROXY, …) and no-proxy (NO_PROXY) fall back
 * through the RunContext instead. Pure.
 */
import type { Env } from './context.js';
import type { InputReader } from './input-reader.js';

export const ENV_FALLBACKS: Readonly<Record<string, string>> = {
  'role-to-assume': 'ROLE_TO_ASSUME',
  'web-identity-token-file': 'WEB_IDENTITY_TOKEN_FILE',
  'role-chaining': 'ROLE_CHAINING',
  // Never used in practice: the runner passes action.yml's default for audience as the input.
  audience: 'AUDIENCE',
  'mask-aws-account-id': 'MASK_AWS_ACCOUNT_ID',
  'role-duration-seconds': 'ROLE_DURATION_SECONDS',
  'role-external-id': 'ROLE_EXTERNAL_ID',
  'role-session-name': 'ROLE_SESSION_NAME',
  'role-skip-session-tagging': 'ROLE_SKIP_SESSION_TAGGING',
  'transitive-tag-keys': 'TRANSITIVE_TAG_KEYS',
  'inline-session-policy': 'INLINE_SESSION_POLICY',
  'managed-session-policies': 'MANAGED_SESSION_POLICIES',
  'output-credentials': 'OUTPUT_CREDENTIALS',
  'unset-current-credentials': 'UNSET_CURRENT_CREDENTIALS',
  'disable-retry': 'DISABLE_RETRY',
  'retry-max-attempts': 'RETRY_MAX_ATTEMPTS',
  'special-characters-workaround': 'SPECIAL_CHARACTERS_WORKAROUND',
  'use-existing-credentials': 'USE_EXISTING_CREDENTIALS',
  'overwrite-aws-profile': 'OVERWRITE_AWS_PROFILE',
};

export interface FallbackReader {
  readonly read: InputReader;
  /** Where a value came from when it was not the input itself, for messages: `ROLE_TO_ASSUME`. */
  readonly origin: (name: string) => string | undefined;
}

/** The inputs, each falling back to its environment variable when empty. */
export function withEnvFallbacks(read: InputReader, env: Env): FallbackReader {
  const fallback = (name: string): string | undefined => {
    const variable = ENV_FALLBACKS[name];
    const value = variable ? env[variable]?.trim() : undefined;
    return value ? value : undefined;
  };
  return {
    read: (name) => read(name) || (fallback(name) ?? ''),
    origin: (name) => (read(name) === '' && fallback(name) !== undefined ? ENV_FALLBACKS[name] : undefined),
  };
}
