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
