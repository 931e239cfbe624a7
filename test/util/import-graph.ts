/**
 * The import-direction check of `src/`: which file imports which (relative imports only), which
 * layer each file belongs to, and which imports point the wrong way (see test/architecture/).
 *
 * Files are named relative to the source folder, posix style: `plan/image-plan.ts`, `errors.ts`.
 * Package imports (`projen`, `path`, …) are not part of the graph.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** A layer of `src/`: the files it holds and the other layers it may import (its own always). */
export interface Layer {
  /** Name of the layer (the folder name for folder layers). */
  readonly name: string;
  /** Folder directly under `src/` whose files (at any depth) belong to the layer. */
  readonly folder?: string;
  /** Files directly in `src/` that belong to the layer. */
  readonly files?: readonly string[];
  /** The other layers this layer may import. */
  readonly mayImport: readonly string[];
}

const RENDERER_DEPS = ['e2e', 'plan', 'settings', 'cargo', 'utilities'];

/** The layer table of `src/`, bottom up. A layer may import itself and the layers in `mayImport`, nothing else. */
export const LAYERS: readonly Layer[] = [
  { name: 'utilities', files: ['errors.ts', 'shell.ts', 'validators.ts'], mayImport: [] },
  { name: 'cargo', folder: 'cargo', mayImport: ['utilities'] },
  { name: 'settings', folder: 'settings', mayImport: ['utilities'] },
  { name: 'presets', folder: 'presets', mayImport: ['settings', 'utilities'] },
  { name: 'plan', folder: 'plan', mayImport: ['presets', 'settings', 'cargo', 'utilities'] },
  { name: 'e2e', folder: 'e2e', mayImport: ['plan', 'settings', 'cargo', 'utilities'] },
  { name: 'docker', folder: 'docker', mayImport: RENDERER_DEPS },
  { name: 'github', folder: 'github', mayImport: RENDERER_DEPS },
  { name: 'tasks', folder: 'tasks', mayImport: RENDERER_DEPS },
  { name: 'project', folder: 'project', mayImport: ['tasks', 'github', 'docker', ...RENDERER_DEPS, 'presets'] },
  { name: 'index', files: ['index.ts'], mayImport: ['project', 'tasks', 'github', 'docker', ...RENDERER_DEPS, 'presets'] },
];

/**
 * The layer of a file (relative to `src/`, posix). A file outside the table gets
 * `unplaced:<folder>` (or `unplaced:<file>` for a file directly in `src/`), which is no layer of LAYERS.
 */
export function layerOf(file: string): string {
  const slash = file.indexOf('/');
  const layer = slash < 0
    ? LAYERS.find(l => l.files?.includes(file))
    : LAYERS.find(l => l.folder === file.slice(0, slash));
  return layer?.name ?? `unplaced:${slash < 0 ? file : file.slice(0, slash)}`;
}

/** All `.ts` files (not `.d.ts`) under `dir`, relative to it, posix, sorted. */
function tsFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) return tsFiles(path.join(dir, entry.name), `${rel}/`);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [rel] : [];
  }).sort();
}

/** The module specifiers of a file's import and export declarations (also `import type`, `export * from`). */
function specifiers(text: string, fileName: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  for (const statement of sf.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement))
      && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      found.push(statement.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)
      && ts.isStringLiteral(statement.moduleReference.expression)) {
      found.push(statement.moduleReference.expression.text);
    }
  }
  return found;
}

/**
 * The graph of relative imports between the `.ts` files under `srcDir` (default `src/`):
 * each file (relative to `srcDir`, posix) → the files it imports, sorted. `./x` resolves to
 * `x.ts` or `x/index.ts`; specifiers that leave `srcDir` or match no file are ignored.
 */
export function importGraph(srcDir: string = 'src'): Map<string, string[]> {
  const files = tsFiles(srcDir);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of specifiers(fs.readFileSync(path.join(srcDir, file), 'utf-8'), file)) {
      if (!spec.startsWith('.')) continue;
      const base = path.posix.join(path.posix.dirname(file), spec.replace(/\.js$/, ''));
      const target = [`${base}.ts`, `${base}/index.ts`, base].find(candidate => known.has(candidate));
      if (target) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** Position of a layer in LAYERS (bottom up); unplaced layers come last. */
function rank(layer: string): number {
  const i = LAYERS.findIndex(l => l.name === layer);
  return i < 0 ? LAYERS.length : i;
}

/** Whether a file of layer `from` may import a file of layer `to`. */
function allowed(from: string, to: string): boolean {
  return from === to || (LAYERS.find(l => l.name === from)?.mayImport.includes(to) ?? false);
}

/**
 * One line per import that breaks the layer rules, e.g.
 * `plan/image-plan.ts (plan) imports github/image-workflow-options.ts (github): plan may import only plan, presets, …`.
 */
export function backImports(graph: Map<string, string[]>): string[] {
  const lines: string[] = [];
  for (const [from, targets] of graph) {
    const fromLayer = layerOf(from);
    for (const to of targets) {
      const toLayer = layerOf(to);
      if (allowed(fromLayer, toLayer)) continue;
      const may = [fromLayer, ...(LAYERS.find(l => l.name === fromLayer)?.mayImport ?? [])].join(', ');
      lines.push(`${from} (${fromLayer}) imports ${to} (${toLayer}): ${fromLayer} may import only ${may}`);
    }
  }
  return lines;
}

/**
 * The import cycles (Tarjan): every strongly connected component of more than one file, and every
 * file that imports itself. Each cycle is sorted; the list is sorted by its first file.
 */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * The layer-level graph as text, one line per layer, bottom up, e.g. `plan → presets, settings, cargo, utilities`.
 * Imported layers are listed top-down; an import that breaks the rules is marked `!`.
 */
export function renderGraph(graph: Map<string, string[]>): string {
  const edges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    const fromLayer = layerOf(from);
    const set = edges.get(fromLayer) ?? new Set<string>();
    edges.set(fromLayer, set);
    for (const to of targets) if (layerOf(to) !== fromLayer) set.add(layerOf(to));
  }
  const byRank = (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);
  return [...edges.keys()].sort(byRank).map(layer => {
    const targets = [...edges.get(layer)!].sort(byRank).reverse().map(to => (allowed(layer, to) ? to : `${to}!`));
    return `${layer} → ${targets.length ? targets.join(', ') : '(nothing)'}`;
  }).join('\n') + '\n';
}
