// What compiling a package reads besides its manifest, `src/`, build script and
// target files, found statically: include macros, `#[path]` modules, migrations,
// templates, the paths a build script names. Cargo is never run.
import * as fs from 'fs';
import * as path from 'path';
import { literalBindings } from './build-script-reads';
import { BuildContext, BuildScriptRules } from './build-script-rules';
import type { CargoUnresolvedInput } from './cargo-facts';
import { compare, isDir, isFile, isOutside, readText, relativePosix } from './fs-util';
import { Origin, PackageInputs } from './package-inputs';
import { Token, evaluate, expandEnv, macroArgs, tokenizeRust } from './rust-tokens';
import { TomlFields, TomlTable, isTable } from './toml-file';

/** Inputs to {@link scanCompileInputs} (internal). */
export interface CompileInputsSource {
  /** absolute workspace root */
  readonly rootDir: string;
  /** package directory relative to the workspace root, posix, "." for the root */
  readonly dir: string;
  /** the package's parsed manifest */
  readonly manifest: TomlTable;
  /** accessors of the package's manifest (for typed errors) */
  readonly fields: TomlFields;
  /** manifest path relative to the workspace root */
  readonly manifestPath: string;
  /** crate roots cargo builds (lib and binaries), relative to the workspace root */
  readonly targetFiles: string[];
  /** other files sent with the package anyway (explicit example/test/bench targets), relative to the root */
  readonly otherFiles: string[];
  /** the build script, relative to the workspace root */
  readonly buildScript?: string;
  /** names of the packages the package depends on (after `package = ...` renames), any table */
  readonly dependencyNames: string[];
}

/** Result of {@link scanCompileInputs} (internal). */
export interface CompileInputs {
  readonly compileInputs: string[];
  readonly unresolvedInputs: CargoUnresolvedInput[];
  readonly missingBuildData: CargoUnresolvedInput[];
}

/** Longest source line kept in {@link CargoUnresolvedInput.text}. */
const MAX_TEXT = 120;
/** What a source file must contain for any rule to match (a cheap pre-filter before tokenizing). */
const SOURCE_TRIGGER = /\b(include(_str|_bytes|_dir)?|migrate|embed_migrations|query\w*)\s*!|#\s*!?\s*\[\s*(path|folder)\b/;
/** sqlx macros reading a file relative to the package dir. */
const SQLX_FILE_MACROS = new Set(['query_file', 'query_file_as', 'query_file_scalar',
  'query_file_unchecked', 'query_file_as_unchecked', 'query_file_scalar_unchecked']);

/** sqlx macros that check their SQL against a database at compile time, or against the offline data (`.sqlx/`). */
const SQLX_CHECKED_MACROS = new Set(['query', 'query_as', 'query_scalar', 'query_unchecked', 'query_as_unchecked',
  'query_scalar_unchecked', ...SQLX_FILE_MACROS]);

/**
 * Finds the compile-time inputs of one package (see
 * `CargoPackageFacts.compileInputs`). Never throws for a source it cannot read
 * (it is skipped); `package.include` of the wrong type is a `CargoInferenceError`.
 */
export function scanCompileInputs(src: CompileInputsSource): CompileInputs {
  const scan = new PackageScan(src);
  scan.run();
  return scan.result();
}

// ---------------------------------------------------------------------------
// The scan of one package

/** How a Rust file is scanned. */
interface FileMode {
  /** apply the build-script rules (any existing path literal, `rerun-if-changed`, read calls) */
  readonly build: boolean;
  /** resolve `mod x;` declarations to files (for sources outside `src/`) */
  readonly followMods: boolean;
  /** whether `mod x;` resolves next to the file (crate roots, `mod.rs`, `#[path]` modules) rather than in a folder named after it */
  readonly modRs: boolean;
}

class PackageScan {
  private readonly pkgAbs: string;
  private readonly targetRoots: Set<string>;
  private readonly inputs: PackageInputs;
  private readonly buildRules: BuildScriptRules;
  private readonly scanned = new Set<string>();
  /** The first sqlx query macro (needs a database or offline data at compile time), when the package depends on sqlx. */
  private sqlxQuery?: Origin;
  private readonly queue: Array<{ readonly abs: string; readonly mode: FileMode }> = [];

  constructor(private readonly src: CompileInputsSource) {
    const sentAnyway = ['Cargo.toml', 'Cargo.lock', src.manifestPath, ...src.targetFiles, ...src.otherFiles,
      ...(src.buildScript ? [src.buildScript] : [])];
    this.inputs = new PackageInputs(src.rootDir, src.dir, sentAnyway);
    this.pkgAbs = this.inputs.pkgAbs;
    this.targetRoots = new Set(src.targetFiles);
    this.buildRules = new BuildScriptRules(this.inputs);
  }

  public run(): void {
    const { buildScript, rootDir } = this.src;
    if (buildScript) this.enqueue(path.join(rootDir, buildScript), { build: true, followMods: true, modRs: true });
    for (const t of this.src.targetFiles) {
      if (!this.inputs.inSrc(t)) this.enqueue(path.join(rootDir, t), { build: false, followMods: true, modRs: true });
    }
    for (const rel of this.walkSources()) {
      const modRs = this.targetRoots.has(rel) || rel.endsWith('/mod.rs');
      this.enqueue(path.join(rootDir, rel), { build: false, followMods: false, modRs });
    }
    while (this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.scanFile(next.abs, next.mode);
    }
    this.scanManifest();
  }

  public result(): CompileInputs {
    return {
      compileInputs: this.inputs.compileInputs(),
      unresolvedInputs: this.inputs.unresolvedInputs(),
      missingBuildData: this.missingSqlxData(),
    };
  }

  /** sqlx query macros with neither a database at build time nor committed offline data fail the image build. */
  private missingSqlxData(): CargoUnresolvedInput[] {
    if (this.sqlxQuery === undefined) return [];
    const offline = [path.join(this.pkgAbs, '.sqlx'), path.join(this.src.rootDir, '.sqlx'), path.join(this.pkgAbs, 'sqlx-data.json'),
      path.join(this.src.rootDir, 'sqlx-data.json')];
    if (offline.some(p => fs.existsSync(p))) return [];
    return [{
      ...this.sqlxQuery,
      reason: 'sqlx query macros check their SQL against a database at compile time, and the image build has no DATABASE_URL '
        + 'and no offline data: run "cargo sqlx prepare --workspace" and commit the .sqlx folder it writes',
    }];
  }

  private enqueue(abs: string, mode: FileMode): void {
    const key = `${mode.build ? 'b' : 's'}:${abs}`;
    if (this.scanned.has(key)) return;
    this.scanned.add(key);
    this.queue.push({ abs, mode });
  }

  /** `.rs` files under the package's `src/`, relative to the root, sorted. */
  private walkSources(): string[] {
    const out: string[] = [];
    const walk = (rel: string, depth: number) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(this.src.rootDir, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const child = `${rel}/${e.name}`;
        let dir = e.isDirectory();
        let file = e.isFile();
        if (e.isSymbolicLink()) {
          dir = isDir(path.join(this.src.rootDir, child));
          file = !dir && isFile(path.join(this.src.rootDir, child));
        }
        if (dir && depth < 32) walk(child, depth + 1);
        else if (file && e.name.endsWith('.rs')) out.push(child);
      }
    };
    walk(this.inputs.srcDir, 0);
    return out.sort(compare);
  }

  // -------------------------------------------------------------------------
  // Rust files

  private scanFile(abs: string, mode: FileMode): void {
    const text = readText(abs);
    if (text === undefined) return;
    if (!mode.build && !mode.followMods && !SOURCE_TRIGGER.test(text)) return;
    const rel = relativePosix(this.src.rootDir, abs);
    let lines: string[] | undefined;
    const origin = (line: number): Origin => {
      lines = lines ?? text.split('\n');
      return { file: rel, line, text: shorten((lines[line - 1] ?? '').trim()) };
    };
    const tokens = tokenizeRust(text);
    const fileDir = path.dirname(abs);
    const moduleBase = mode.modRs ? fileDir : path.join(fileDir, path.basename(abs, '.rs'));
    const inline: Array<string | null> = [];
    let pendingInline: string | null = null;
    let pendingPath: Token | undefined;
    const build: BuildContext | undefined = mode.build ? { tokens, origin, calls: [], bindings: literalBindings(tokens) } : undefined;

    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind === 'punct') {
        if (t.value === '{') {
          inline.push(pendingInline);
          pendingInline = null;
          pendingPath = undefined;
        } else if (t.value === '}') {
          inline.pop();
        } else if (t.value === ';') {
          pendingPath = undefined;
        } else if (t.value === '#') {
          const attr = this.attribute(tokens, i);
          if (attr?.name === 'path') pendingPath = attr.value;
          if (attr?.name === 'folder') this.embedFolder(attr.value, origin);
        }
        if (build) this.buildRules.trackCall(build, i);
        continue;
      }
      if (t.kind === 'str') {
        if (build) this.buildRules.buildLiteral(build, i);
        continue;
      }
      // identifiers
      if (t.value === 'mod' && tokens[i + 1]?.kind === 'ident') {
        const name = tokens[i + 1].value;
        const after = tokens[i + 2]?.value;
        if (after === '{') {
          pendingInline = name;
        } else if (after === ';' && (mode.followMods || pendingPath)) {
          const dir = path.join(moduleBase, ...inline.filter((x): x is string => x !== null));
          this.moduleFile(name, pendingPath, inline.some(x => x !== null) ? dir : fileDir, dir, mode, origin(t.line));
        }
        pendingPath = undefined;
        i += 1;
        continue;
      }
      if (tokens[i + 1]?.value === '!' && ['(', '[', '{'].includes(tokens[i + 2]?.value)) {
        this.macro(tokens, i, fileDir, origin);
      }
    }
  }

  /** `#[name = "value"]` / `#![name = "value"]` at `i`. */
  private attribute(tokens: Token[], i: number): { name: string; value: Token } | undefined {
    let j = i + 1;
    if (tokens[j]?.value === '!') j++;
    if (tokens[j]?.value !== '[' || tokens[j + 1]?.kind !== 'ident' || tokens[j + 2]?.value !== '=') return undefined;
    const value = tokens[j + 3];
    if (value?.kind !== 'str' || tokens[j + 4]?.value !== ']') return undefined;
    return { name: tokens[j + 1].value, value };
  }

  /** `mod name;`: the module's file, `#[path]` applied. */
  private moduleFile(name: string, attr: Token | undefined, attrBase: string, dir: string, mode: FileMode, at: Origin): void {
    let found: string | undefined;
    let modRs = false;
    if (attr) {
      found = path.resolve(attrBase, attr.value);
      modRs = true;
    } else {
      const candidates = [path.join(dir, `${name}.rs`), path.join(dir, name, 'mod.rs')];
      found = candidates.find(isFile);
      modRs = found === candidates[1];
      if (!found) {
        const shown = candidates.map(c => relativePosix(this.src.rootDir, c));
        this.inputs.unresolve(at, `module "${name}": neither ${shown[0]} nor ${shown[1]} exists`);
        return;
      }
    }
    if (!this.inputs.addPath(found, at, attr?.value ?? name)) return;
    const rel = relativePosix(this.src.rootDir, found);
    if (!this.inputs.inSrc(rel) && isFile(found)) this.enqueue(found, { build: mode.build, followMods: true, modRs });
  }

  /** include macros, migrations, sqlx query files. */
  private macro(tokens: Token[], i: number, fileDir: string, origin: (line: number) => Origin): void {
    const name = tokens[i].value;
    if (SQLX_CHECKED_MACROS.has(name) && this.sqlxQuery === undefined && this.src.dependencyNames.includes('sqlx')) {
      this.sqlxQuery = origin(tokens[i].line);
    }
    const isInclude = name === 'include_str' || name === 'include_bytes' || name === 'include';
    const known = isInclude || name === 'include_dir' || name === 'migrate' || name === 'embed_migrations' || SQLX_FILE_MACROS.has(name);
    if (!known) return;
    const call = macroArgs(tokens, i + 2);
    if (!call) return;
    const at = origin(tokens[i].line);
    if (call.args.length === 0) {
      if (name === 'migrate') this.defaultDir(path.join(this.pkgAbs, 'migrations'), at, 'sqlx::migrate!() reads');
      if (name === 'embed_migrations') this.dieselMigrations(at);
      if (name !== 'migrate' && name !== 'embed_migrations') this.inputs.unresolve(at, 'no path given');
      return;
    }
    const [a, b] = call.args[0];
    let value = evaluate(tokens, a, b, this.pkgAbs);
    if (value.kind === 'path' && name === 'include_dir') value = expandEnv(value.value, this.pkgAbs);
    if (value.kind === 'ignore') return;
    if (value.kind === 'unresolved') {
      this.inputs.unresolve(at, value.reason);
      return;
    }
    const base = isInclude ? fileDir : this.pkgAbs;
    this.inputs.addPath(path.resolve(base, value.value), at, value.value);
  }

  /** rust-embed `#[folder = "..."]`: relative to the package dir, `$CARGO_MANIFEST_DIR` expanded. */
  private embedFolder(value: Token, origin: (line: number) => Origin): void {
    const at = origin(value.line);
    const expanded = expandEnv(value.value, this.pkgAbs);
    if (expanded.kind === 'ignore') return;
    if (expanded.kind === 'unresolved') {
      this.inputs.unresolve(at, expanded.reason);
      return;
    }
    this.inputs.addPath(path.resolve(this.pkgAbs, expanded.value), at, value.value);
  }

  /** A default folder (`migrations`) that must exist when the macro is used. */
  private defaultDir(abs: string, at: Origin, what: string): void {
    if (isDir(abs)) {
      this.inputs.addPath(abs, at, relativePosix(this.src.rootDir, abs));
    } else {
      this.inputs.unresolve(at, `${what} ${relativePosix(this.src.rootDir, abs)}, which does not exist`);
    }
  }

  /** diesel's `embed_migrations!()`: `migrations` in the package dir or the nearest parent up to the root. */
  private dieselMigrations(at: Origin): void {
    let dir = this.pkgAbs;
    for (;;) {
      const candidate = path.join(dir, 'migrations');
      if (isDir(candidate)) {
        this.inputs.addPath(candidate, at, 'migrations');
        return;
      }
      if (dir === this.src.rootDir || isOutside(relativePosix(this.src.rootDir, dir))) break;
      dir = path.dirname(dir);
    }
    this.inputs.unresolve(at, `embed_migrations!() reads a "migrations" folder, but none exists in ${this.src.dir} or its parents up to the workspace root`);
  }

  // -------------------------------------------------------------------------
  // Manifest and dependency conventions

  private scanManifest(): void {
    const { fields, manifest } = this.src;
    const pkg = isTable(manifest.package) ? manifest.package : {};
    const include = fields.stringArray(pkg, 'include', 'package.include') ?? [];
    let manifestLines: string[] | undefined;
    const at = (needle: string): Origin => {
      manifestLines = manifestLines ?? (readText(path.join(this.src.rootDir, this.src.manifestPath)) ?? '').split('\n');
      let index = manifestLines.findIndex(l => l.includes(`"${needle}"`) || l.includes(`'${needle}'`));
      if (index === -1) index = manifestLines.findIndex(l => /^\s*include\s*=/.test(l));
      return { file: this.src.manifestPath, line: index + 1 || 1, text: shorten((manifestLines[index] ?? '').trim()) };
    };
    for (const entry of include) {
      const rel = entry.replace(/^\/+/, '');
      if (rel === '' || rel.startsWith('!')) continue;
      if (/[*?[]/.test(rel)) {
        const prefix = rel.split(/[*?[]/)[0];
        const abs = path.resolve(this.pkgAbs, prefix || '.');
        if (prefix !== '' && this.inputs.isSentAnyway(relativePosix(this.src.rootDir, abs))) continue;
        this.inputs.unresolve(at(entry), `package.include glob "${entry}": add the paths it matches to "dockerignoreAllow"`);
      } else if (fs.existsSync(path.resolve(this.pkgAbs, rel))) { // a missing entry is no error for cargo either
        this.inputs.addPath(path.resolve(this.pkgAbs, rel), at(entry), entry);
      }
    }
    const deps = new Set(this.src.dependencyNames);
    const depLine = (dep: string): Origin => {
      manifestLines = manifestLines ?? (readText(path.join(this.src.rootDir, this.src.manifestPath)) ?? '').split('\n');
      const key = new RegExp(`^\\s*(\\[.*dependencies\\.)?["']?${dep}["']?\\s*[=.\\]]|package\\s*=\\s*["']${dep}["']`);
      const index = manifestLines.findIndex(l => key.test(l));
      return { file: this.src.manifestPath, line: index + 1 || 1, text: shorten((manifestLines[index] ?? '').trim()) };
    };
    if (deps.has('sqlx')) {
      for (const abs of [path.join(this.pkgAbs, '.sqlx'), path.join(this.src.rootDir, '.sqlx'), path.join(this.pkgAbs, 'sqlx-data.json')]) {
        if (fs.existsSync(abs)) this.inputs.addPath(abs, depLine('sqlx'), '.sqlx');
      }
    }
    for (const engine of ['askama', 'rinja']) {
      if (!deps.has(engine)) continue;
      const templates = path.join(this.pkgAbs, 'templates');
      if (isDir(templates)) this.inputs.addPath(templates, depLine(engine), 'templates');
      const config = path.join(this.pkgAbs, `${engine}.toml`);
      if (isFile(config)) {
        this.inputs.addPath(config, depLine(engine), `${engine}.toml`);
        for (const d of templateDirs(readText(config) ?? '')) this.inputs.addPath(path.resolve(this.pkgAbs, d), { file: relativePosix(this.src.rootDir, config), line: 1, text: `dirs = [..., "${d}"]` }, d);
      }
    }
  }
}

/** `[general] dirs = [...]` of an askama/rinja config. */
function templateDirs(text: string): string[] {
  const m = /^\s*dirs\s*=\s*\[([^\]]*)\]/m.exec(text);
  if (!m) return [];
  return [...m[1].matchAll(/"([^"]*)"|'([^']*)'/g)].map(x => x[1] ?? x[2]).filter(d => d !== '');
}

/** A source line shortened to {@link MAX_TEXT} characters. */
function shorten(line: string): string {
  return line.length <= MAX_TEXT ? line : `${line.slice(0, MAX_TEXT - 1)}…`;
}
