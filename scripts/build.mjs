// Build: tsc compiles src/ to lib/, then ncc bundles each entry point into dist/.
// ncc's own TypeScript loader is not used (it breaks with TypeScript 7), so it only sees JS.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

// entry in lib/ → folder in dist/
const ENTRIES = {
  action: ['index.js', 'dist'],
  post: ['post.js', 'dist/post'],
  cli: ['cli/index.js', 'dist/cli'],
  'credential-process': ['credential-process/index.js', 'dist/credential-process'],
  audit: ['audit-action.js', 'dist/audit'],
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

for (const name of selected) {
  const entry = ENTRIES[name];
  if (!entry) {
    console.error(`unknown entry "${name}"; known: ${Object.keys(ENTRIES).join(', ')}`);
    process.exit(2);
  }
  const [source, outDir] = entry;
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
  execFileSync(bin('ncc'), ['build', input, '-o', out, '-m', '-q', '--target', 'es2022', '--license', 'licenses.txt'], {
    stdio: 'inherit',
    cwd: root,
  });
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
  console.log(`built ${outDir}/index.js (${Buffer.byteLength(readFileSync(outFile))} bytes)`);
}
