// What each image of a repository is built from, so a workflow rebuilds only the images whose
// inputs changed (issue 14). Pure: reads the Cargo facts only.
import * as path from 'path';
import { CargoPackageFacts, CargoWorkspaceFacts } from '../cargo/cargo-facts';
import { compare, isOutside, isUnder } from '../cargo/fs-util';

/** One image and the workspace packages it builds (internal). */
export interface ImageSource {
  /** Image name. */
  readonly name: string;
  /** Names of the workspace packages whose binaries the image ships. */
  readonly packages: string[];
}

/** The files an image is built from (internal). */
export interface ImageInputs {
  /** Image name. */
  readonly image: string;
  /**
   * Paths relative to the build context, posix separators, sorted, without duplicates: a file, or a
   * folder standing for everything below it (no trailing slash, no glob characters).
   */
  readonly paths: string[];
}

/** The files every image of the context is built from, besides its packages (internal). */
export interface SharedInputFiles {
  /** Dockerfile path relative to the build context (default "Dockerfile"). */
  readonly dockerfile?: string;
  /** `.dockerignore` path relative to the build context, or undefined when none is generated (default ".dockerignore"). */
  readonly dockerignore?: string | null;
}

/**
 * The build inputs of each image, relative to the build context (the workspace root): the folders of
 * its packages and of their path dependencies (transitively, inside the context), their compile-time
 * inputs outside those folders, and what every image reads: the root Cargo.toml, Cargo.lock, the
 * toolchain file, the cargo config and vendored sources, the Dockerfile and the `.dockerignore`.
 * A root package contributes its manifest, `src/`, build script and target files instead of the whole
 * context, which holds the other members too. Over-approximates (e.g. a member's `tests/`): a file
 * read by the build is never left out, an unrelated change at worst rebuilds an image.
 *
 * @throws Error when an image names a package the workspace does not have (resolve the image list first).
 */
export function resolveImageInputs(
  workspace: CargoWorkspaceFacts, images: ImageSource[], files: SharedInputFiles = {},
): ImageInputs[] {
  const byName = new Map(workspace.packages.map(p => [p.name, p]));
  const byDir = new Map(workspace.packages.map(p => [p.dir, p]));
  const shared = sharedInputs(workspace, files);
  return images.map(image => {
    const paths = new Set(shared);
    for (const p of packageClosurePaths(image.packages, image.name, byName, byDir)) paths.add(p);
    return { image: image.name, paths: minimize([...paths]) };
  });
}

/**
 * The sources an image's build compiles, relative to the build context: the folders of its packages
 * and of their path dependencies inside the context (transitively), a root package's own files, and
 * their compile-time inputs inside the context; sorted, minimal. What the image's build stage copies.
 *
 * @throws Error when a package is not a workspace member.
 */
export function imageSourcePaths(workspace: CargoWorkspaceFacts, packages: string[]): string[] {
  const byName = new Map(workspace.packages.map(p => [p.name, p]));
  const byDir = new Map(workspace.packages.map(p => [p.dir, p]));
  return minimize(packageClosurePaths(packages, packages.join(', '), byName, byDir).filter(p => p !== '' && !isOutside(p)));
}

function packageClosurePaths(
  packages: string[], image: string, byName: Map<string, CargoPackageFacts>, byDir: Map<string, CargoPackageFacts>,
): string[] {
  const paths: string[] = [];
  const seen = new Set<string>();
  const queue: CargoPackageFacts[] = packages.map(name => {
    const pkg = byName.get(name);
    if (pkg === undefined) throw new Error(`image "${image}" names package "${name}", which is not a workspace member`);
    return pkg;
  });
  while (queue.length > 0) {
    const pkg = queue.shift()!;
    if (seen.has(pkg.dir)) continue;
    seen.add(pkg.dir);
    paths.push(...packagePaths(pkg));
    for (const dep of pkg.pathDependencies ?? []) {
      const member = byDir.get(dep);
      if (member !== undefined) queue.push(member);
      else if (!isOutside(dep)) paths.push(normalize(dep)); // a path dependency cargo reads but the facts do not list as a member
    }
  }
  return paths;
}

/**
 * The images to rebuild for a change: those with an input that is one of `changedFiles` or holds one.
 * `changedFiles` are relative to the build context (as `git diff --name-only` run there prints them,
 * a leading "./" allowed); the result keeps the order of `inputs`.
 */
export function imagesToRebuild(inputs: ImageInputs[], changedFiles: string[]): string[] {
  const changed = changedFiles.map(normalize).filter(f => f !== '');
  return inputs
    .filter(i => changed.some(file => i.paths.some(p => isUnder(file, p))))
    .map(i => i.image);
}

function sharedInputs(ws: CargoWorkspaceFacts, files: SharedInputFiles): string[] {
  const dockerignore = files.dockerignore === undefined ? '.dockerignore' : files.dockerignore;
  return [
    'Cargo.toml',
    ws.lockFile,
    ws.toolchainFile,
    ws.cargoConfigFile,
    ...ws.vendorDirs,
    files.dockerfile ?? 'Dockerfile',
    dockerignore ?? undefined,
  ].filter((p): p is string => p !== undefined).map(normalize);
}

/** A package's own paths: its folder (or, for the root package, its files), plus its compile-time inputs. */
function packagePaths(pkg: CargoPackageFacts): string[] {
  const own = pkg.dir !== '.'
    ? [pkg.dir]
    : [pkg.manifestPath, 'src', pkg.buildScript, pkg.lib?.path, ...pkg.binaries.map(b => b.path), ...pkg.otherTargets.map(t => t.path)];
  return [...own, ...pkg.compileInputs].filter((p): p is string => p !== undefined).map(normalize);
}

/** Sorted, without duplicates and without paths below another one of the list. */
function minimize(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort(compare);
  return sorted.filter(p => !sorted.some(other => other !== p && isUnder(p, other)));
}

function normalize(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  return n === '.' ? '' : n;
}
