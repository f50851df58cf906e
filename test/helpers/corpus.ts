import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './runner.js';

/** The real-world corpus, copied into the repository (test/corpus, each folder with its SOURCE.txt). */
export const CORPUS = join(ROOT, 'test', 'corpus');

export function corpusJson<T = unknown>(...path: string[]): T {
  return JSON.parse(readFileSync(join(CORPUS, ...path), 'utf8')) as T;
}

export function corpusTokens(): { name: string; token: string }[] {
  const dir = join(CORPUS, 'oidc-tokens');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.jwt'))
    .sort()
    .map((file) => ({ name: file.replace(/\.jwt$/, ''), token: readFileSync(join(dir, file), 'utf8').trim() }));
}
