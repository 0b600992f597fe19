#!/usr/bin/env node
// Checks that `npm run build` shipped no test code: no test file or test helper in dist/, and
// every module the server's code imports is a node built-in, a production dependency or a file
// that exists in dist/. Run after the build: `node .ci/check-dist.js`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
const builtins = new Set(builtinModules);

// The names tsconfig.build.json leaves out, as they would be compiled.
const TEST_FILE = /(^|\/)test\/|\.test\.js|\.test-helpers\.js/;
// Static imports and re-exports (`import x from 'm'`, `import 'm'`, `export … from 'm'`) and
// dynamic imports with a literal name, as tsc writes them for NodeNext.
const SPECIFIERS = [
  /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];
// A dynamic import whose name is computed cannot be checked here, so none is allowed.
const COMPUTED_IMPORT = /\bimport\(\s*[^'")\s]/;

if (!existsSync(join(dist, 'cli.js'))) {
  console.error('check-dist: dist/cli.js is missing; run `npm run build` first');
  process.exit(1);
}

const files = readdirSync(dist, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => relative(dist, join(entry.parentPath, entry.name)).split('\\').join('/'));

const problems = files.filter((file) => TEST_FILE.test(file)).map((file) => `${file}: test code in the build`);

// dist/web is the browser app, bundled by Vite: it imports nothing at run time.
for (const file of files.filter((name) => name.endsWith('.js') && !name.startsWith('web/'))) {
  const text = readFileSync(join(dist, file), 'utf8');
  if (COMPUTED_IMPORT.test(text)) problems.push(`${file}: a dynamic import with a computed name`);
  for (const pattern of SPECIFIERS) {
    for (const [, specifier] of text.matchAll(pattern)) {
      const problem = checkSpecifier(file, specifier);
      if (problem) problems.push(`${file}: imports ${specifier}: ${problem}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`check-dist: ${problems.length} problem(s) in dist/:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-dist: ${files.length} files in dist/, no test code, every import a built-in or a production dependency`);

/** Why `specifier`, imported by `file`, has no place in the build; undefined when it does. */
function checkSpecifier(file, specifier) {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(join(dist, file)), specifier);
    if (TEST_FILE.test(relative(dist, target).split('\\').join('/'))) return 'test code';
    return existsSync(target) ? undefined : 'no such file in dist/';
  }
  if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0])) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (dependencies.has(name)) return undefined;
  return pkg.devDependencies?.[name] ? 'a dev dependency' : 'not a dependency in package.json';
}
