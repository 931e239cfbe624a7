import * as fs from 'fs';
import * as path from 'path';

/** Whether `p` is an existing regular file (following symlinks). */
export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Whether `p` is an existing directory (following symlinks). */
export function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Sorted entry names of a directory; empty when it cannot be read. */
export function listDir(p: string): string[] {
  try {
    return fs.readdirSync(p).sort();
  } catch {
    return [];
  }
}

/** `to` relative to `from`, with posix separators; "." when equal. */
export function relativePosix(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join('/');
  return rel === '' ? '.' : rel;
}

/** Whether a posix relative path leaves its base folder ("..", "../x" or absolute). */
export function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith('../') || path.isAbsolute(rel);
}

/** Whether posix relative `dir` is `base` or below it ("." contains everything). */
export function isUnder(dir: string, base: string): boolean {
  return base === '.' || dir === base || dir.startsWith(base.endsWith('/') ? base : `${base}/`);
}

/** Rust sources longer than this (characters) are not scanned (generated tables, not hand-written includes). */
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

/** A file's text, or undefined when it cannot be read or is too large. */
export function readText(abs: string): string | undefined {
  try {
    const text = fs.readFileSync(abs, 'utf8');
    return text.length > MAX_SOURCE_BYTES ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Orders strings by UTF-16 code units (a stable order for paths and names). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
