/**
 * The corpus workflows (test/corpus/workflows, named OWNER__REPO__FILE) laid out as checkouts, one
 * per repository: `<tmp>/<owner>__<repo>/.github/workflows/<file>`, and the composite action at
 * `.github/actions/<name>/action.yml`. Removed by the returned cleanup.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CORPUS_WORKFLOWS = join(import.meta.dirname, '..', '..', 'corpus', 'workflows');

export interface CorpusCheckouts {
  readonly root: string;
  /** OWNER/REPO → its `.github/workflows` folder. */
  readonly folders: ReadonlyMap<string, string>;
  cleanup(): void;
}

export function corpusCheckouts(): CorpusCheckouts {
  const root = mkdtempSync(join(tmpdir(), 'keyless-reach-'));
  const folders = new Map<string, string>();
  for (const name of readdirSync(CORPUS_WORKFLOWS).filter((n) => /\.ya?ml$/.test(n))) {
    const [owner, repo, ...rest] = name.split('__');
    const repository = `${owner}/${repo}`;
    const checkout = join(root, `${owner}__${repo}`);
    const folder = join(checkout, '.github', 'workflows');
    folders.set(repository, folder);
    const target = rest.length === 3 && rest[0] === 'actions' ? join(checkout, '.github', 'actions', rest[1]!, rest[2]!) : join(folder, rest.join('__'));
    mkdirSync(join(target, '..'), { recursive: true });
    cpSync(join(CORPUS_WORKFLOWS, name), target);
  }
  return { root, folders, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
