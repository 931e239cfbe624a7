import * as path from 'path';
import { CargoBuildPlan } from './cargo-build-plan';
import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { DockerfileSettings, DockerIgnoreMode, DockerIgnoreSettings } from '../settings';
import { isImageReference } from '../validators';

/** The generated `.dockerignore`. */
export interface DockerIgnorePlan {
  /** Path relative to the project root (in the build context). */
  readonly path: string;
  /** Allow-list or deny-list. */
  readonly mode: DockerIgnoreMode;
  /** The lines, in order. */
  readonly patterns: string[];
}

/** The build context and the files that frame it: the Dockerfile and the `.dockerignore`. */
export interface ContextPlan {
  /** Build context relative to the project root ("." or the cargo dir). */
  readonly dir: string;
  /** Dockerfile path relative to the project root. */
  readonly dockerfilePath: string;
  /** The `# syntax=` directive; empty for none. */
  readonly syntax: string;
  /** The `.dockerignore`; undefined when `dockerignore` is false. */
  readonly dockerignore?: DockerIgnorePlan;
  /** Git submodules of the repository (`.gitmodules`), relative to the context: checkouts must fetch them. */
  readonly submodules: string[];
}

/** Most unresolved compile-time inputs listed one by one in the warnings (the rest are counted). */
const MAX_LISTED_INPUTS = 10;

/**
 * Warnings for the compile-time inputs the Cargo scan found but could not resolve to a path: with the
 * allow-list they may be missing from the context, so each names its file and line and the option to add it.
 */
export function unresolvedInputWarnings(cargo: CargoBuildPlan, context: ContextPlan): string[] {
  if (context.dockerignore?.mode !== DockerIgnoreMode.ALLOW_LIST) return [];
  const found = cargo.packages.flatMap(p => p.unresolvedInputs);
  if (found.length === 0) return [];
  const listed = found.slice(0, MAX_LISTED_INPUTS).map(u => `${u.file}:${u.line} (${u.reason}: ${u.text})`);
  const more = found.length > MAX_LISTED_INPUTS ? `, and ${found.length - MAX_LISTED_INPUTS} more` : '';
  return [`the build may read files the .dockerignore allow-list does not send: ${listed.join('; ')}${more}. `
    + 'If the build needs them, add their paths to "dockerignoreAllow" (or use DockerIgnoreMode.DENY_LIST)'];
}

/** The deny list: only things a cargo build never reads. Markdown stays (it may be `include_str!`'d). */
export const DENY_LIST_DEFAULTS = ['.git', '.github', '.projen', 'node_modules', 'target', '**/target'];

/** Resolves the context part; every bad option is recorded in `errors`. */
export function resolveContextPlan(
  options: DockerfileSettings & DockerIgnoreSettings, cargo: CargoBuildPlan, dir: string, submodules: string[], errors: ErrorCollector,
): ContextPlan {
  const syntax = options.dockerfileSyntax ?? 'docker/dockerfile:1';
  errors.attempt(() => {
    if (syntax !== '' && !isImageReference(syntax)) {
      throw RustDockerError.forOption('dockerfileSyntax', `${showValue(syntax)} is not a frontend image reference`,
        'Use e.g. "docker/dockerfile:1", or "" to omit the directive');
    }
  }, undefined);
  const dockerfilePath = errors.attempt(() => resolveFilePath('dockerfilePath', options.dockerfilePath, dir, 'Dockerfile'), 'Dockerfile');
  const dockerignore = errors.attempt(() => resolveDockerIgnore(options, cargo, dir, dockerfilePath), undefined);
  return { dir, dockerfilePath, syntax, dockerignore, submodules };
}

function resolveDockerIgnore(options: DockerIgnoreSettings, cargo: CargoBuildPlan, dir: string, dockerfile: string): DockerIgnorePlan | undefined {
  if (!(options.dockerignore ?? true)) {
    for (const key of ['dockerignoreMode', 'dockerignoreAllow', 'dockerignoreDeny'] as const) {
      if (options[key] !== undefined) {
        throw RustDockerError.forOption(key, 'has no effect because "dockerignore" is false', `Remove "${key}", or remove "dockerignore: false"`);
      }
    }
    return undefined;
  }
  const mode = options.dockerignoreMode ?? DockerIgnoreMode.ALLOW_LIST;
  const allow = patternList('dockerignoreAllow', options.dockerignoreAllow);
  const deny = patternList('dockerignoreDeny', options.dockerignoreDeny);
  const patterns = mode === DockerIgnoreMode.ALLOW_LIST
    ? allowListPatterns(cargo, allow, deny)
    : denyListPatterns(allow, deny, relativeToContext(dockerfile, dir));
  return { path: dir === '.' ? '.dockerignore' : `${dir}/.dockerignore`, mode, patterns };
}

/** Folder holding a target file, relative to the context: its own dir unless it is the package root. */
function targetAllowEntry(pkgDir: string, file: string): string {
  const srcDir = pkgDir === '.' ? 'src' : `${pkgDir}/src`;
  if (file === srcDir || file.startsWith(`${srcDir}/`)) return srcDir;
  const fileDir = path.posix.dirname(file);
  return fileDir === pkgDir || fileDir === '.' ? file : fileDir;
}

function allowListPatterns(cargo: CargoBuildPlan, userAllow: string[], userDeny: string[]): string[] {
  // (no toolchain file: RUSTUP_TOOLCHAIN overrides it, so editing it busts no layer)
  const allow: string[] = ['Cargo.toml', 'Cargo.lock'];
  if (cargo.cargoConfigFile) allow.push(cargo.cargoConfigFile);
  allow.push(...cargo.vendorDirs);
  for (const pkg of cargo.packages) {
    const prefix = pkg.dir === '.' ? '' : `${pkg.dir}/`;
    allow.push(`${prefix}Cargo.toml`, `${prefix}src`);
    const files = [...pkg.binaries.map(b => b.path), ...(pkg.lib ? [pkg.lib.path] : []), ...pkg.otherTargets.map(t => t.path)];
    for (const f of files) allow.push(targetAllowEntry(pkg.dir, f));
    if (pkg.buildScript) allow.push(targetAllowEntry(pkg.dir, pkg.buildScript));
    // what the compilation reads outside those (include_str!, migrations, build-script inputs, templates…)
    allow.push(...pkg.compileInputs);
  }
  return unique(['*', ...withoutCovered(unique([...allow, ...userAllow])).map(p => `!${p}`), ...userDeny]);
}

/** The entries no other entry already sends (`crates/core/main.rs` goes with `crates/core`). */
function withoutCovered(entries: string[]): string[] {
  const all = new Set(entries);
  return entries.filter(e => !e.split('/').slice(0, -1).some((_, i, parts) => all.has(parts.slice(0, i + 1).join('/'))));
}

function denyListPatterns(userAllow: string[], userDeny: string[], dockerfileInContext: string | undefined): string[] {
  const deny = [...DENY_LIST_DEFAULTS, '.dockerignore', ...(dockerfileInContext ? [dockerfileInContext] : []), ...userDeny];
  return unique([...deny, ...userAllow.map(p => `!${p}`)]);
}

function relativeToContext(file: string, contextDir: string): string | undefined {
  if (contextDir === '.') return file;
  return file.startsWith(`${contextDir}/`) ? file.slice(contextDir.length + 1) : undefined;
}

function patternList(option: string, patterns: string[] | undefined): string[] {
  for (const p of patterns ?? []) {
    if (p.trim() === '' || p !== p.trim() || p.startsWith('!') || p.startsWith('#')) {
      throw RustDockerError.forOption(option, `${showValue(p)} is not a path pattern`, 'Use a trimmed path or glob relative to the build context, without "!" or "#" in front', { value: p });
    }
  }
  return [...(patterns ?? [])];
}

function resolveFilePath(option: string, value: string | undefined, contextDir: string, fallback: string): string {
  if (value === undefined) return contextDir === '.' ? fallback : `${contextDir}/${fallback}`;
  const normalized = path.posix.normalize(value.replace(/\\/g, '/'));
  if (value.trim() === '' || path.posix.isAbsolute(normalized) || normalized === '..' || normalized.startsWith('../') || normalized.endsWith('/')) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a file path inside the project`, `Use a relative path such as "${fallback}"`, { value });
  }
  // file systems refuse a name over NAME_MAX (255 bytes): refused here, before anything is written
  const long = normalized.split('/').find(segment => Buffer.byteLength(segment) > NAME_MAX);
  if (long !== undefined) {
    throw RustDockerError.forOption(option, `${showValue(value)} has a file or folder name of ${Buffer.byteLength(long)} bytes, over the ${NAME_MAX} file systems allow`,
      `Use shorter names, such as "${fallback}"`, { value });
  }
  return normalized;
}

/** The longest file or folder name Linux file systems take, in bytes. */
const NAME_MAX = 255;

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
