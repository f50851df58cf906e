// Build: tsc compiles src/ to lib/, then ncc bundles each entry point into dist/.
// ncc's own TypeScript loader is not used (it breaks with TypeScript 7), so it only sees JS.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
/** ncc runs from here: its tsconfig.json (read by ncc only) leaves out toolkit code we never call. */
const bundleDir = join(root, 'scripts', 'bundle');

// entry in lib/ → folder in dist/ (→ the folder ncc runs from, whose tsconfig.json swaps modules;
// default scripts/bundle). The CLI keeps the real @actions/github for `reach --github`.
const ENTRIES = {
  action: ['action/main.js', 'dist'],
  post: ['action/post.js', 'dist/post'],
  cli: ['cli/index.js', 'dist/cli', join(bundleDir, 'cli')],
  'credential-process': ['credential-process/index.js', 'dist/credential-process'],
  // The audit action runs reach, whose reach-github input needs Octokit too.
  audit: ['action/audit-main.js', 'dist/audit', join(bundleDir, 'cli')],
};

const args = process.argv.slice(2);
const lenient = args.includes('--lenient');
const wanted = args.filter((a) => !a.startsWith('--'));
const selected = wanted.length > 0 ? wanted : Object.keys(ENTRIES);

rmSync(join(root, 'lib'), { recursive: true, force: true });
try {
  execFileSync(bin('tsc'), ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
} catch (error) {
  if (!lenient) process.exit(1);
  console.warn('tsc reported errors; continuing because of --lenient');
}

// ncc's ESM output may call a bare require() for Node built-ins; ESM has no require,
// so give the bundle one before any of its code runs.
const REQUIRE_SHIM =
  "import { createRequire as __keylessCreateRequire } from 'node:module';\n" +
  'const require = __keylessCreateRequire(import.meta.url);\n';

const scratch = mkdtempSync(join(tmpdir(), 'keyless-build-'));
for (const name of selected) {
  const entry = ENTRIES[name];
  if (!entry) {
    console.error(`unknown entry "${name}"; known: ${Object.keys(ENTRIES).join(', ')}`);
    process.exit(2);
  }
  const [source, outDir, nccDir = bundleDir] = entry;
  const input = join(root, 'lib', source);
  if (!existsSync(input)) {
    console.log(`skip ${name}: lib/${source} does not exist`);
    continue;
  }
  const out = join(root, outDir);
  // Only this entry's own files: dist/ also holds the other entries' folders.
  if (existsSync(out)) {
    for (const file of readdirSync(out, { withFileTypes: true })) {
      if (file.isFile()) rmSync(join(out, file.name));
    }
  }
  mkdirSync(out, { recursive: true });
  const statsFile = join(scratch, `${name}.stats.json`);
  execFileSync(bin('ncc'), ['build', input, '-o', out, '-m', '-q', '--target', 'es2022', '--stats-out', statsFile], { stdio: 'inherit', cwd: nccDir });
  // ncc minifies the entry but not the chunks split off by dynamic import(); the largest of
  // those (the AWS SDK) is on the success path, where its parse time counts.
  for (const file of readdirSync(out)) {
    if (file === 'index.js' || !file.endsWith('.js')) continue;
    const chunk = join(out, file);
    const result = await minify(readFileSync(chunk, 'utf8'), { module: true, compress: true, mangle: true, format: { comments: false } });
    writeFileSync(chunk, result.code);
  }
  const outFile = join(out, 'index.js');
  const code = readFileSync(outFile, 'utf8');
  if (!code.includes('__keylessCreateRequire')) {
    // A shebang must stay the very first line.
    const shebang = /^#!.*\n/.exec(code)?.[0] ?? '';
    writeFileSync(outFile, shebang + REQUIRE_SHIM + code.slice(shebang.length));
  }
  const packages = bundledPackages(JSON.parse(readFileSync(statsFile, 'utf8')), nccDir);
  writeFileSync(join(out, 'licenses.txt'), licensesText(packages));
  console.log(`built ${outDir}/index.js (${Buffer.byteLength(readFileSync(outFile))} bytes; ${packages.length} packages in licenses.txt)`);
}
rmSync(scratch, { recursive: true, force: true });

/**
 * Every package webpack put into the bundle and its chunks, from ncc's stats (ncc's own
 * --license output skips ESM-only packages such as jose and @actions/core).
 */
function bundledPackages(stats, nccDir) {
  const dirs = new Set();
  const visit = (module) => {
    const id = module.name ?? module.identifier ?? '';
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(id.replace(/\\/g, '/').replace(/^\.\//, ''));
    if (match) dirs.add(resolve(nccDir, match[1]));
    for (const inner of module.modules ?? []) visit(inner);
  };
  for (const module of stats.modules ?? []) visit(module);
  return [...dirs]
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

function licensesText(packages) {
  return packages
    .map(({ dir, manifest }) => {
      const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
      const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(no license file in the package; package.json says ${manifest.license})`;
      return `${manifest.name} ${manifest.version}\n${manifest.license ?? 'UNKNOWN'}\n${text}\n`;
    })
    .join('\n');
}
