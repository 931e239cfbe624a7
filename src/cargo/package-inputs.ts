// The compile inputs of one package found so far, and the rules of what counts
// as one: inside the workspace root, existing, not sent with the package anyway.
import * as fs from 'fs';
import * as path from 'path';
import type { CargoUnresolvedInput } from './cargo-facts';
import { compare, isDir, isOutside, isUnder, relativePosix } from './fs-util';

/** Where an input was found. */
export interface Origin {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** The inputs and unresolved inputs of one package (see `PackageScan`). */
export class PackageInputs {
  /** absolute package directory */
  public readonly pkgAbs: string;
  /** the package's `src/`, relative to the workspace root */
  public readonly srcDir: string;
  private readonly sentAnyway: Set<string>;
  private readonly inputs = new Set<string>();
  private readonly unresolved = new Map<string, CargoUnresolvedInput>();

  /**
   * @param rootDir absolute workspace root
   * @param dir package directory relative to the workspace root, posix, "." for the root
   * @param sentAnyway files sent with the package anyway (manifest, targets, build script), relative to the root
   */
  constructor(private readonly rootDir: string, private readonly dir: string, sentAnyway: string[]) {
    this.pkgAbs = path.join(rootDir, dir);
    this.srcDir = dir === '.' ? 'src' : `${dir}/src`;
    this.sentAnyway = new Set(sentAnyway);
  }

  /** The inputs found, relative to the workspace root, sorted. */
  public compileInputs(): string[] {
    return [...this.inputs].sort(compare);
  }

  /** The unresolved inputs, by file, line and reason. */
  public unresolvedInputs(): CargoUnresolvedInput[] {
    return [...this.unresolved.values()].sort((a, b) => compare(a.file, b.file) || a.line - b.line || compare(a.reason, b.reason));
  }

  /** Whether a path relative to the root is under the package's `src/` (sent anyway). */
  public inSrc(rel: string): boolean {
    return isUnder(rel, this.srcDir);
  }

  /**
   * Records an input: unresolved when outside the root or missing, skipped when
   * sent anyway (the package's `src/`, manifest, targets, build script).
   * Returns whether the path exists inside the root.
   */
  public addPath(abs: string, at: Origin, written: string): boolean {
    const rel = relativePosix(this.rootDir, abs);
    if (isOutside(rel)) {
      this.unresolve(at, `"${written}" is outside the workspace root`);
      return false;
    }
    if (rel === '.git' || rel.startsWith('.git/')) {
      this.unresolve(at, `${rel} is git metadata (the repository state, e.g. for a version string), not a source file`);
      return false;
    }
    if (!fs.existsSync(abs)) {
      this.unresolve(at, `${rel} does not exist`);
      return false;
    }
    if (!this.isSentAnyway(rel)) this.inputs.add(rel);
    return true;
  }

  public isSentAnyway(rel: string): boolean {
    return this.inSrc(rel) || this.sentAnyway.has(rel);
  }

  public existsInside(abs: string): boolean {
    const rel = relativePosix(this.rootDir, abs);
    if (isOutside(rel) || isUnder(rel, 'target') || isUnder(rel, this.dir === '.' ? 'target' : `${this.dir}/target`)) return false;
    return fs.existsSync(abs);
  }

  /**
   * Whether the folder a run-time path starts with covers it: a folder of the
   * package's `src/` (sent anyway), or an existing folder inside the package,
   * which becomes the input.
   */
  public coveredByFolder(prefix: string, at: Origin): boolean {
    const abs = path.resolve(this.pkgAbs, prefix);
    if (this.isPackageOrAncestor(abs) || !this.existsInside(abs) || !isDir(abs)) return false;
    return this.addPath(abs, at, prefix);
  }

  /** The package dir or one of its parents (too broad to be an input). */
  public isPackageOrAncestor(abs: string): boolean {
    const rel = relativePosix(this.rootDir, abs);
    return isOutside(rel) || isUnder(this.dir, rel);
  }

  public unresolve(at: Origin, reason: string): void {
    const key = `${at.file}\0${at.line}\0${reason}`;
    if (!this.unresolved.has(key)) this.unresolved.set(key, { file: at.file, line: at.line, text: at.text, reason });
  }
}
