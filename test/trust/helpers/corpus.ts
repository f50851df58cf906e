/** Access to the real-world corpus in test/corpus (each folder with its SOURCE.txt). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CORPUS = resolve(PROJECT_ROOT, 'test', 'corpus');

if (!existsSync(CORPUS)) {
  throw new Error(`the corpus is missing: expected it at ${CORPUS} (test/corpus in the repository)`);
}

export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

export function readCorpusJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(corpusPath(...parts), 'utf8')) as T;
}

export function readCorpusText(...parts: string[]): string {
  return readFileSync(corpusPath(...parts), 'utf8');
}

export interface CatalogEntry {
  file: string;
  source: string;
  form: string;
  verdict: string;
  notes: string;
}

export function catalog(): CatalogEntry[] {
  return readCorpusJson<CatalogEntry[]>('trust-policies', 'catalog.json');
}

export function policyFiles(): string[] {
  return readdirSync(corpusPath('trust-policies', 'policies')).filter((f) => f.endsWith('.json'));
}

export interface DecodedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export function decodedTokens(): { file: string; token: DecodedToken }[] {
  return readdirSync(corpusPath('oidc-tokens', 'decoded'))
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ file, token: readCorpusJson<DecodedToken>('oidc-tokens', 'decoded', file) }));
}

/** A concrete GitHub OIDC provider principal, for rendering templated corpus policies. */
export const GITHUB_PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

/** Replaces every Federated principal by a concrete GitHub provider ARN (the corpus policies are often unrendered templates). */
export function withConcretePrincipal(policy: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(policy)) as { Statement: { Principal?: { Federated?: unknown } }[] };
  for (const s of copy.Statement) {
    if (s.Principal && typeof s.Principal === 'object' && 'Federated' in s.Principal) s.Principal.Federated = GITHUB_PROVIDER_ARN;
  }
  return copy;
}
