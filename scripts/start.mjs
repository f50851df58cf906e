#!/usr/bin/env node
// `npm start`: builds only what is out of date, then runs the demo (lib/local/start.js), so a
// second `npm start` runs at once instead of rebuilding for 10-20 s.
// - dist/ (the bundled action the demo runs as the runner would) is rebuilt when the sources it is
//   built from differ from those of its last build: a clean git checkout's dist/ is current (CI
//   checks that it is exactly what src/ builds to); otherwise a digest of the sources is compared
//   with the one stamped at the last build.
// - lib/ (tsc's output: the demo itself) is recompiled when a source is newer than its stamp.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src', 'scripts/build.mjs', 'scripts/bundle', 'package-lock.json', 'tsconfig.json'];
const DIST_STAMP = join(root, 'lib', '.dist-sources');
const LIB_STAMP = join(root, 'lib', '.compiled');

function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => filesUnder(join(path, entry.name)));
}

const sourceFiles = SOURCES.flatMap((path) => filesUnder(join(root, path))).sort();

function sourcesDigest() {
  const hash = createHash('sha256');
  for (const file of sourceFiles) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** True when git says neither the sources nor dist/ differ from the commit (whose dist/ CI checked). */
function cleanCheckout() {
  try {
    return execFileSync('git', ['status', '--porcelain', '--', ...SOURCES, 'dist'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) === '';
  } catch {
    return false;
  }
}

function stamp(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const digest = sourcesDigest();
const distCurrent = (existsSync(DIST_STAMP) && readFileSync(DIST_STAMP, 'utf8') === digest) || cleanCheckout();
const newestSource = Math.max(...sourceFiles.map((file) => statSync(file).mtimeMs));
const libCurrent = existsSync(LIB_STAMP) && statSync(LIB_STAMP).mtimeMs >= newestSource;

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!distCurrent) {
  console.log('Sources changed since dist/ was built: building the action (node scripts/build.mjs action).');
  run(process.execPath, [join(root, 'scripts', 'build.mjs'), 'action']);
  stamp(DIST_STAMP, digest);
  stamp(LIB_STAMP, '');
} else if (!libCurrent) {
  console.log('Compiling the demo (tsc); dist/ is current.');
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.json')]);
  stamp(LIB_STAMP, '');
  if (!existsSync(DIST_STAMP)) stamp(DIST_STAMP, digest);
}
const demo = spawnSync(process.execPath, [join(root, 'lib', 'local', 'start.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(demo.status ?? 1);
