// The git submodules around a workspace, read from `.gitmodules` files.
import * as fs from 'fs';
import * as path from 'path';
import { compare, isFile, readText, relativePosix } from './fs-util';

/**
 * Paths of the git submodules in `.gitmodules` of the workspace root and its
 * parents up to the git root, relative to the workspace root (see
 * `CargoWorkspaceFacts.submodules`).
 */
export function readSubmodules(rootDir: string): string[] {
  const found = new Set<string>();
  let dir = rootDir;
  for (let depth = 0; depth < 64; depth++) {
    const file = path.join(dir, '.gitmodules');
    if (isFile(file)) {
      for (const p of gitmodulePaths(readText(file) ?? '')) found.add(relativePosix(rootDir, path.resolve(dir, p)));
    }
    if (fs.existsSync(path.join(dir, '.git'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [...found].sort(compare);
}

/** `path = ...` values of the `[submodule "..."]` sections of a `.gitmodules` file. */
function gitmodulePaths(text: string): string[] {
  const paths: string[] = [];
  let inSubmodule = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      inSubmodule = /^\[\s*submodule\b/i.test(line);
      continue;
    }
    const m = /^path\s*=\s*(.*)$/i.exec(line);
    if (inSubmodule && m) {
      let value = m[1].replace(/\s[#;].*$/, '').trim();
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
      if (value !== '') paths.push(value);
    }
  }
  return paths;
}
