import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { backImports, importCycles, importGraph, LAYERS, layerOf, renderGraph } from '../util/import-graph';

const SRC = path.join(__dirname, '..', '..', 'src');

/** A fresh copy of `src/` in a temp dir (removed in afterEach). */
let copies: string[] = [];
function copyOfSrc(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-'));
  fs.cpSync(SRC, dir, { recursive: true });
  copies.push(dir);
  return dir;
}
afterEach(() => {
  copies.forEach(dir => fs.rmSync(dir, { recursive: true, force: true }));
  copies = [];
});

/** The `.ts` files directly in `src/<folder>/`, relative to `src/`, sorted. */
function filesIn(srcDir: string, folder: string): string[] {
  if (!fs.existsSync(path.join(srcDir, folder))) return [];
  return fs.readdirSync(path.join(srcDir, folder)).filter(f => f.endsWith('.ts')).sort().map(f => `${folder}/${f}`);
}

/** Appends to `file` (relative to `srcDir`) an `import` of `target` (same form). */
function plantImport(srcDir: string, file: string, target: string): void {
  let spec = path.posix.relative(path.posix.dirname(file), target.replace(/\.ts$/, ''));
  if (!spec.startsWith('.')) spec = `./${spec}`;
  fs.appendFileSync(path.join(srcDir, file), `\nimport '${spec}';\n`);
}

describe('the real src/', () => {
  const graph = importGraph(SRC);

  test('has no back-import', () => {
    // WHEN
    const violations = backImports(graph);

    // THEN
    expect(violations).toEqual([]);
  });

  test('has no import cycle', () => {
    // WHEN
    const cycles = importCycles(graph);

    // THEN
    expect(cycles).toEqual([]);
  });

  test('every file belongs to a layer of the table', () => {
    // GIVEN
    const names = new Set(LAYERS.map(l => l.name));

    // WHEN
    const unplaced = [...graph.keys()].filter(file => !names.has(layerOf(file)));

    // THEN
    expect(unplaced).toEqual([]);
  });

  test('renders the folder-level graph bottom up', () => {
    // WHEN
    const text = renderGraph(graph);
    process.stdout.write(`\nImport graph of src/ (bottom up, ! = breaks the layer rules):\n${text}`);

    // THEN
    expect(text.split('\n')[0]).toMatch(/^utilities → /);
  });
});

describe('the check', () => {
  test('catches a planted back-import from plan/ to a renderer', () => {
    // GIVEN a plan file that imports a renderer file it did not import before
    const dir = copyOfSrc();
    const before = importGraph(dir);
    const renderers = ['github', 'docker', 'tasks'].flatMap(folder => filesIn(dir, folder));
    const pairs = filesIn(dir, 'plan').flatMap(from => renderers.map(to => [from, to]));
    const [from, to] = pairs.find(([f, t]) => !before.get(f)!.includes(t))!;
    plantImport(dir, from, to);

    // WHEN
    const added = backImports(importGraph(dir)).filter(line => !backImports(before).includes(line));

    // THEN
    expect(added).toHaveLength(1);
    expect(added[0]).toContain(`${from} (plan) imports ${to} (${layerOf(to)})`);
  });

  test('catches a planted cycle between two cargo files', () => {
    // GIVEN two cargo files that import each other (one import may exist already)
    const dir = copyOfSrc();
    const before = importGraph(dir);
    const cargo = filesIn(dir, 'cargo');
    const existing = cargo.flatMap(f => before.get(f)!.filter(t => t.startsWith('cargo/') && t !== f).map(t => [f, t]));
    const [a, b] = existing[0] ?? cargo.slice(0, 2);
    if (!before.get(a)!.includes(b)) plantImport(dir, a, b);
    plantImport(dir, b, a);

    // WHEN
    const cycles = importCycles(importGraph(dir));

    // THEN
    expect(cycles).toContainEqual(expect.arrayContaining([a, b]));
  });

  test('catches a planted self-import', () => {
    // GIVEN
    const dir = copyOfSrc();
    const [file] = filesIn(dir, 'plan');
    plantImport(dir, file, file);

    // WHEN
    const cycles = importCycles(importGraph(dir));

    // THEN
    expect(cycles).toContainEqual([file]);
  });

  test('follows `import type`, `export * from` and folder imports (`./x` → `x/index.ts`)', () => {
    // GIVEN a file with only such imports
    const dir = copyOfSrc();
    fs.writeFileSync(path.join(dir, 'probe.ts'), [
      "import type { Anything } from './cargo';",
      "export * from './plan/" + path.posix.basename(filesIn(dir, 'plan')[0], '.ts') + "';",
      "export { shellQuote } from './shell';",
      "import { readFileSync } from 'fs';",
    ].join('\n'));

    // WHEN
    const imported = importGraph(dir).get('probe.ts');

    // THEN
    expect(imported).toEqual(['cargo/index.ts', filesIn(dir, 'plan')[0], 'shell.ts']);
  });

  test('places files by folder, utilities by name, and nothing else', () => {
    // THEN
    expect(['errors.ts', 'cargo/x.ts', 'e2e/a/b.ts', 'index.ts', 'new-thing.ts', 'new/x.ts'].map(layerOf))
      .toEqual(['utilities', 'cargo', 'e2e', 'index', 'unplaced:new-thing.ts', 'unplaced:new']);
  });
});
