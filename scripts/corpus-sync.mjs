#!/usr/bin/env node
// Keeps test/corpus byte-exact with ../shared/corpus, the project's shared real-world material,
// where a checkout has it beside it. A clone without it keeps the committed copy and needs nothing.
//   node scripts/corpus-sync.mjs           copy every new or changed file into test/corpus
//   node scripts/corpus-sync.mjs --check   list the differences, exit 1 if there are any
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '..', 'shared', 'corpus');
const local = join(root, 'test', 'corpus');
const check = process.argv.includes('--check');

function files(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path));
    else if (entry.isFile()) out.push(relative(shared, path));
  }
  return out;
}

if (!existsSync(shared)) {
  console.log(`No ${JSON.stringify(shared)} beside this checkout: test/corpus stays as committed.`);
  process.exit(0);
}
const changed = [];
for (const file of files(shared)) {
  const from = join(shared, file);
  const to = join(local, file);
  const same = existsSync(to) && statSync(to).size === statSync(from).size && readFileSync(to).equals(readFileSync(from));
  if (same) continue;
  changed.push(file);
  if (!check) {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
}
for (const file of changed) console.log(`${check ? 'differs' : 'copied'}: ${JSON.stringify(file)}`);
console.log(changed.length === 0 ? 'test/corpus equals ../shared/corpus.' : `${changed.length} file(s) ${check ? 'differ' : 'copied'}.`);
process.exit(check && changed.length > 0 ? 1 : 0);
