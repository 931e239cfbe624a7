// What compiling a package reads besides its manifest, `src/`, build script and
// target files, found statically: include macros, `#[path]` modules, migrations,
// templates, the paths a build script names. Cargo is never run.
import * as fs from 'fs';
import * as path from 'path';
import type { CargoUnresolvedInput } from './cargo-facts';
import { isDir, isFile, isOutside, isUnder, relativePosix } from './fs-util';
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
}

/** Rust sources longer than this (characters) are not scanned (generated tables, not hand-written includes). */
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
/** Longest source line kept in {@link CargoUnresolvedInput.text}. */
const MAX_TEXT = 120;
/** What a source file must contain for any rule to match (a cheap pre-filter before tokenizing). */
const SOURCE_TRIGGER = /\b(include(_str|_bytes|_dir)?|migrate|embed_migrations|query_file\w*)\s*!|#\s*!?\s*\[\s*(path|folder)\b/;
/** sqlx macros reading a file relative to the package dir. */
const SQLX_FILE_MACROS = new Set(['query_file', 'query_file_as', 'query_file_scalar',
  'query_file_unchecked', 'query_file_as_unchecked', 'query_file_scalar_unchecked']);
/** Environment variables set by cargo for build scripts whose paths are outside the sources. */
const CARGO_RUNTIME_ENV = /^(OUT_DIR|TARGET|HOST|PROFILE|OPT_LEVEL|DEBUG|NUM_JOBS|RUSTC|RUSTDOC|RUSTC_LINKER|CARGO|DEP_.*|CARGO_CFG_.*|CARGO_PKG_.*|CARGO_FEATURE_.*|CARGO_ENCODED_RUSTFLAGS|CARGO_TARGET_DIR|CARGO_MANIFEST_LINKS)$/;
/** Identifiers that name build outputs rather than sources (`out_dir`, `out_path`, `dest`...). */
const OUTPUT_IDENT = /^(out|dest|dst|output|target)(_|$)|_(out|dest|dst)(_|$)|^OUT_DIR$/i;

/**
 * Build-script calls that read a path: `fs::read*`, `File::open`, protobuf
 * compilers, the `cc`/`bindgen` builders. Keyed by callee name; the value tells
 * how it must be called: `fs` (`fs::name(..)`), `File` (`File::name(..)`),
 * `method` (`.name(..)`) or `any`.
 */
const READ_CALLS = new Map<string, 'fs' | 'File' | 'method' | 'any'>([
  ['read', 'fs'],
  ['read_to_string', 'fs'],
  ['read_dir', 'fs'],
  ['copy', 'fs'],
  ['open', 'File'],
  ['compile_protos', 'any'],
  ['file', 'method'],
  ['files', 'method'],
  ['include', 'method'],
  ['includes', 'method'],
  ['header', 'method'],
]);

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

// ---------------------------------------------------------------------------
// Rust tokens

/** A token of Rust source: identifier (keywords, lifetimes and numbers too), string literal value, or one punctuation character. */
interface Token {
  readonly kind: 'ident' | 'str' | 'punct';
  readonly value: string;
  /** 1-based line where the token starts */
  readonly line: number;
}

const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isIdentChar = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);

/**
 * Splits Rust source into tokens, dropping comments (nested block comments too)
 * and whitespace. String literals (plain, raw, byte, C) keep their unescaped
 * value; char literals are dropped. Lenient: never throws on malformed input.
 */
export function tokenizeRust(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  const countLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (text.charCodeAt(k) === 10) line++;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
    } else if (c === 32 || c === 9 || c === 13) {
      i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) { // line comment
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) { // block comment, nested
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
        } else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) {
          depth--;
          j += 2;
        } else {
          j++;
        }
      }
      countLines(i, j);
      i = j;
    } else if (c === 34) { // "..."
      const startLine = line;
      const [value, end] = readQuoted(text, i + 1);
      countLines(i, end);
      tokens.push({ kind: 'str', value, line: startLine });
      i = end;
    } else if (c === 39) { // char literal or lifetime
      const next = text.charCodeAt(i + 1);
      if (next === 92) { // '\n', '\u{..}'
        const close = text.indexOf('\'', i + 3);
        i = close === -1 ? n : close + 1;
      } else {
        const width = next >= 0xd800 && next <= 0xdbff ? 2 : 1;
        if (text.charCodeAt(i + 1 + width) === 39) {
          i += 2 + width;
        } else { // lifetime or label
          let j = i + 1;
          while (j < n && isIdentChar(text.charCodeAt(j))) j++;
          tokens.push({ kind: 'ident', value: text.slice(i, j), line });
          i = Math.max(j, i + 1);
        }
      }
    } else if (isIdentStart(c)) {
      const raw = rawStringAt(text, i);
      if (raw) {
        const startLine = line;
        countLines(i, raw.end);
        tokens.push({ kind: 'str', value: raw.value, line: startLine });
        i = raw.end;
        continue;
      }
      if ((c === 98 || c === 99) && text.charCodeAt(i + 1) === 34) { // b"..." c"..."
        const startLine = line;
        const [value, end] = readQuoted(text, i + 2);
        countLines(i, end);
        tokens.push({ kind: 'str', value, line: startLine });
        i = end;
        continue;
      }
      if (c === 98 && text.charCodeAt(i + 1) === 39) { // b'x'
        const close = text.indexOf('\'', i + (text.charCodeAt(i + 2) === 92 ? 4 : 3));
        i = close === -1 ? n : close + 1;
        continue;
      }
      let j = i + 1;
      if (c === 114 && text.charCodeAt(i + 1) === 35 && isIdentStart(text.charCodeAt(i + 2))) j = i + 2; // r#ident
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      tokens.push({ kind: 'ident', value: text.slice(text.charCodeAt(i + 1) === 35 ? i + 2 : i, j), line });
      i = j;
    } else if (c >= 48 && c <= 57) { // number (suffixes included)
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      tokens.push({ kind: 'ident', value: text.slice(i, j), line });
      i = j;
    } else {
      tokens.push({ kind: 'punct', value: text[i], line });
      i++;
    }
  }
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', 0: '\0' };

/** Reads an escaped string body starting after the opening quote; returns the value and the index after the closing quote. */
function readQuoted(text: string, start: number): [string, number] {
  let value = '';
  let i = start;
  let chunk = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      return [value + text.slice(chunk, i), i + 1];
    }
    if (c !== 92) {
      i++;
      continue;
    }
    value += text.slice(chunk, i);
    const e = text[i + 1];
    if (e in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[e];
    } else if (e === 'x') {
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16) || 0);
      i += 2;
    } else if (e === 'u' && text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      const cp = parseInt(text.slice(i + 3, close), 16);
      if (close !== -1 && Number.isInteger(cp) && cp <= 0x10ffff) value += String.fromCodePoint(cp);
      i = close === -1 ? i : close - 1;
    } else if (e === '\n' || e === '\r') { // line continuation: skip the newline and leading whitespace
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      i = j;
      chunk = j;
      continue;
    } else if (e !== undefined) {
      value += e;
    }
    i += 2;
    chunk = i;
  }
  return [value + text.slice(chunk), text.length];
}

/** A raw string literal (`r"..."`, `r#"..."#`, `br".."`, `cr".."`) starting at `i`, if any. */
function rawStringAt(text: string, i: number): { value: string; end: number } | undefined {
  let j = i;
  const c = text.charCodeAt(j);
  if (c === 98 || c === 99) j++; // b / c prefix
  if (text.charCodeAt(j) !== 114) return undefined; // r
  j++;
  let hashes = 0;
  while (text.charCodeAt(j) === 35) {
    hashes++;
    j++;
  }
  if (text.charCodeAt(j) !== 34) return undefined;
  const closing = `"${'#'.repeat(hashes)}`;
  const close = text.indexOf(closing, j + 1);
  if (close === -1) return { value: text.slice(j + 1), end: text.length };
  return { value: text.slice(j + 1, close), end: close + closing.length };
}

// ---------------------------------------------------------------------------
// Static evaluation of macro arguments

/** What a macro argument evaluates to. */
type Evaluated =
  | { readonly kind: 'path'; readonly value: string }
  | { readonly kind: 'ignore' } // a build output (OUT_DIR): not a source input
  | { readonly kind: 'unresolved'; readonly reason: string };

/**
 * Evaluates tokens [from, to) of a macro argument: a string literal,
 * `concat!(..)` of such, `env!("CARGO_MANIFEST_DIR")` (the package dir), `env!("OUT_DIR")` (ignored).
 */
function evaluate(tokens: Token[], from: number, to: number, pkgAbs: string): Evaluated {
  let i = from;
  // skip a leading path such as `std::` or `::core::`
  for (;;) {
    if (tokens[i]?.value === ':' && tokens[i + 1]?.value === ':') i += 2;
    else if (tokens[i]?.kind === 'ident' && tokens[i + 1]?.value === ':' && tokens[i + 2]?.value === ':') i += 3;
    else break;
  }
  if (i >= to) return { kind: 'unresolved', reason: 'no path given' };
  const t = tokens[i];
  if (t.kind === 'str' && i + 1 === to) return { kind: 'path', value: t.value };
  if (t.kind === 'ident' && tokens[i + 1]?.value === '!' && (tokens[i + 2]?.value === '(' || tokens[i + 2]?.value === '[' || tokens[i + 2]?.value === '{')) {
    const call = macroArgs(tokens, i + 2);
    if (call && call.end === to) {
      if (t.value === 'concat') {
        let value = '';
        for (const [a, b] of call.args) {
          const part = evaluate(tokens, a, b, pkgAbs);
          if (part.kind !== 'path') return part;
          value += part.value;
        }
        return { kind: 'path', value };
      }
      if (t.value === 'env' || t.value === 'option_env') {
        const [a, b] = call.args[0] ?? [0, 0];
        const name = b === a + 1 && tokens[a].kind === 'str' ? tokens[a].value : undefined;
        if (name === 'CARGO_MANIFEST_DIR') return { kind: 'path', value: pkgAbs };
        if (name === 'OUT_DIR') return { kind: 'ignore' };
        return { kind: 'unresolved', reason: name ? envReason(name) : 'path is not a literal' };
      }
    }
  }
  if (t.value === '$') return { kind: 'unresolved', reason: 'path is a macro argument' };
  return { kind: 'unresolved', reason: 'path is not a literal' };
}

/** The comma-separated arguments (token ranges) of the group opening at `open`, and the index after its close. */
function macroArgs(tokens: Token[], open: number): { args: Array<[number, number]>; end: number } | undefined {
  const args: Array<[number, number]> = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < tokens.length; i++) {
    const v = tokens[i].kind === 'punct' ? tokens[i].value : '';
    if (v === '(' || v === '[' || v === '{') {
      depth++;
    } else if (v === ')' || v === ']' || v === '}') {
      depth--;
      if (depth === 0) {
        if (i > start) args.push([start, i]);
        return { args, end: i + 1 };
      }
    } else if (v === ',' && depth === 1) {
      args.push([start, i]);
      start = i + 1;
    }
  }
  return undefined;
}

/** Expands `$CARGO_MANIFEST_DIR` / `${CARGO_MANIFEST_DIR}` (rust-embed, include_dir); other variables are unresolvable. */
function expandEnv(value: string, pkgAbs: string): Evaluated {
  let unknown: string | undefined;
  const expanded = value.replace(/\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m, _b, braced, bare) => {
    const name = braced ?? bare;
    if (name === 'CARGO_MANIFEST_DIR') return pkgAbs;
    if (name === 'OUT_DIR') unknown = unknown ?? '';
    else unknown = unknown ?? name;
    return m;
  });
  if (unknown === '') return { kind: 'ignore' };
  if (unknown !== undefined) return { kind: 'unresolved', reason: envReason(unknown) };
  return { kind: 'path', value: expanded };
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

/** Where an input was found. */
interface Origin {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** A frame of the call stack of a build script: the callee of a read call, the opening token. */
interface CallFrame {
  readonly callee?: string;
  readonly open: number;
}

/** The state of scanning one build-script file. */
interface BuildContext {
  readonly tokens: Token[];
  readonly origin: (line: number) => Origin;
  readonly calls: CallFrame[];
  /** variables bound to literal paths, or to a build output */
  readonly bindings: Map<string, string[] | 'output'>;
}

/** What an expression of a build script may name (see `PackageScan.argumentPaths`). */
interface ArgumentPaths {
  /** per comma-separated expression: its parts joined (or each part's values) */
  readonly primary: string[];
  /** the primary paths, plus each part of a join that does not exist */
  readonly candidates: string[];
  /** the constant folders format strings start with (`"proto/{}.proto"` is "proto") */
  readonly prefixes: string[];
  /** environment variables it reads, other than CARGO_MANIFEST_DIR and cargo's own */
  readonly env: string[];
  /** identifiers not bound to literals (the path is built at run time) */
  readonly unbound: number;
  /** whether it names a build output (OUT_DIR) */
  readonly output: boolean;
}

class PackageScan {
  private readonly pkgAbs: string;
  private readonly srcDir: string;
  private readonly sentAnyway: Set<string>;
  private readonly targetRoots: Set<string>;
  private readonly inputs = new Set<string>();
  private readonly unresolved = new Map<string, CargoUnresolvedInput>();
  private readonly scanned = new Set<string>();
  private readonly queue: Array<{ readonly abs: string; readonly mode: FileMode }> = [];

  constructor(private readonly src: CompileInputsSource) {
    this.pkgAbs = path.join(src.rootDir, src.dir);
    this.srcDir = src.dir === '.' ? 'src' : `${src.dir}/src`;
    this.targetRoots = new Set(src.targetFiles);
    this.sentAnyway = new Set(['Cargo.toml', 'Cargo.lock', src.manifestPath, ...src.targetFiles, ...src.otherFiles,
      ...(src.buildScript ? [src.buildScript] : [])]);
  }

  public run(): void {
    const { buildScript, rootDir } = this.src;
    if (buildScript) this.enqueue(path.join(rootDir, buildScript), { build: true, followMods: true, modRs: true });
    for (const t of this.src.targetFiles) {
      if (!this.inSrc(t)) this.enqueue(path.join(rootDir, t), { build: false, followMods: true, modRs: true });
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
      compileInputs: [...this.inputs].sort(compare),
      unresolvedInputs: [...this.unresolved.values()].sort((a, b) => compare(a.file, b.file) || a.line - b.line || compare(a.reason, b.reason)),
    };
  }

  private enqueue(abs: string, mode: FileMode): void {
    const key = `${mode.build ? 'b' : 's'}:${abs}`;
    if (this.scanned.has(key)) return;
    this.scanned.add(key);
    this.queue.push({ abs, mode });
  }

  private inSrc(rel: string): boolean {
    return isUnder(rel, this.srcDir);
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
    walk(this.srcDir, 0);
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
        if (build) this.trackCall(build, i);
        continue;
      }
      if (t.kind === 'str') {
        if (build) this.buildLiteral(build, i);
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
        this.unresolve(at, `module "${name}": neither ${shown[0]} nor ${shown[1]} exists`);
        return;
      }
    }
    if (!this.addPath(found, at, attr?.value ?? name)) return;
    const rel = relativePosix(this.src.rootDir, found);
    if (!this.inSrc(rel) && isFile(found)) this.enqueue(found, { build: mode.build, followMods: true, modRs });
  }

  /** include macros, migrations, sqlx query files. */
  private macro(tokens: Token[], i: number, fileDir: string, origin: (line: number) => Origin): void {
    const name = tokens[i].value;
    const isInclude = name === 'include_str' || name === 'include_bytes' || name === 'include';
    const known = isInclude || name === 'include_dir' || name === 'migrate' || name === 'embed_migrations' || SQLX_FILE_MACROS.has(name);
    if (!known) return;
    const call = macroArgs(tokens, i + 2);
    if (!call) return;
    const at = origin(tokens[i].line);
    if (call.args.length === 0) {
      if (name === 'migrate') this.defaultDir(path.join(this.pkgAbs, 'migrations'), at, 'sqlx::migrate!() reads');
      if (name === 'embed_migrations') this.dieselMigrations(at);
      if (name !== 'migrate' && name !== 'embed_migrations') this.unresolve(at, 'no path given');
      return;
    }
    const [a, b] = call.args[0];
    let value = evaluate(tokens, a, b, this.pkgAbs);
    if (value.kind === 'path' && name === 'include_dir') value = expandEnv(value.value, this.pkgAbs);
    if (value.kind === 'ignore') return;
    if (value.kind === 'unresolved') {
      this.unresolve(at, value.reason);
      return;
    }
    const base = isInclude ? fileDir : this.pkgAbs;
    this.addPath(path.resolve(base, value.value), at, value.value);
  }

  /** rust-embed `#[folder = "..."]`: relative to the package dir, `$CARGO_MANIFEST_DIR` expanded. */
  private embedFolder(value: Token, origin: (line: number) => Origin): void {
    const at = origin(value.line);
    const expanded = expandEnv(value.value, this.pkgAbs);
    if (expanded.kind === 'ignore') return;
    if (expanded.kind === 'unresolved') {
      this.unresolve(at, expanded.reason);
      return;
    }
    this.addPath(path.resolve(this.pkgAbs, expanded.value), at, value.value);
  }

  /** A default folder (`migrations`) that must exist when the macro is used. */
  private defaultDir(abs: string, at: Origin, what: string): void {
    if (isDir(abs)) {
      this.addPath(abs, at, relativePosix(this.src.rootDir, abs));
    } else {
      this.unresolve(at, `${what} ${relativePosix(this.src.rootDir, abs)}, which does not exist`);
    }
  }

  /** diesel's `embed_migrations!()`: `migrations` in the package dir or the nearest parent up to the root. */
  private dieselMigrations(at: Origin): void {
    let dir = this.pkgAbs;
    for (;;) {
      const candidate = path.join(dir, 'migrations');
      if (isDir(candidate)) {
        this.addPath(candidate, at, 'migrations');
        return;
      }
      if (dir === this.src.rootDir || isOutside(relativePosix(this.src.rootDir, dir))) break;
      dir = path.dirname(dir);
    }
    this.unresolve(at, `embed_migrations!() reads a "migrations" folder, but none exists in ${this.src.dir} or its parents up to the workspace root`);
  }

  // -------------------------------------------------------------------------
  // Build scripts

  /** Opens/closes call frames; at the close of a read call, checks that its path was found. */
  private trackCall(b: BuildContext, i: number): void {
    const v = b.tokens[i].value;
    if (v === '(' || v === '[' || v === '{') {
      b.calls.push({ callee: v === '(' ? readCallee(b.tokens, i) : undefined, open: i });
      return;
    }
    if (v !== ')' && v !== ']' && v !== '}') return;
    const frame = b.calls.pop();
    if (frame?.callee) this.readCall(b, frame.open, i);
  }

  /**
   * A build-script read call `(open, close)`: adds the existing paths its
   * arguments name; unresolved when none exists and the path comes from an
   * environment variable, is built at run time, or is missing.
   */
  private readCall(b: BuildContext, open: number, close: number): void {
    const at = b.origin(b.tokens[open].line);
    const args = this.argumentPaths(b, open + 1, close);
    if (args.output) return;
    if (args.primary.some(p => path.isAbsolute(p))) return; // a system path
    const existing = args.candidates.filter(p => !path.isAbsolute(p)).map(p => path.resolve(this.pkgAbs, p))
      .filter(p => this.existsInside(p) && !this.isPackageOrAncestor(p));
    if (existing.length > 0) {
      for (const p of existing) this.addPath(p, at, relativePosix(this.pkgAbs, p));
      return;
    }
    const primary = args.primary.map(p => path.resolve(this.pkgAbs, p));
    if (primary.some(p => this.isPackageOrAncestor(p))) return; // reads the package folder itself
    if (args.env.length > 0) {
      this.unresolve(at, envReason(args.env[0]));
    } else if (args.prefixes.some(p => this.coveredByFolder(p, at))) {
      return;
    } else if (args.unbound > 0) {
      this.unresolve(at, 'path built at run time');
    } else if (primary.length > 0) {
      this.addPath(primary[0], at, args.primary[0]);
    }
  }

  /**
   * The paths the tokens [from, to) of a build-script expression may name:
   * each literal or literal-bound variable, and all of them joined in order
   * (`Path::new(&manifest_dir).join("proto")` is "./proto").
   */
  private argumentPaths(b: BuildContext, from: number, to: number): ArgumentPaths {
    const segments: string[][][] = [[]]; // comma-separated expressions, each a list of parts
    let parts = segments[0];
    const env: string[] = [];
    const prefixes: string[] = [];
    let unbound = 0;
    let output = false;
    for (let k = from; k < to; k++) {
      const t = b.tokens[k];
      if (t.value === ',' && t.kind === 'punct') {
        parts = [];
        segments.push(parts);
      } else if (t.kind === 'str') {
        if (isEnvRead(b.tokens, k)) {
          if (t.value === 'CARGO_MANIFEST_DIR') parts.push(['.']);
          else if (CARGO_RUNTIME_ENV.test(t.value)) output = true;
          else env.push(t.value);
        } else if (/\{[^{}]*\}/.test(t.value.replace(/\{\{|\}\}/g, ''))) {
          unbound++; // a format string
          const prefix = formatPrefixDir(t.value);
          if (prefix !== undefined) prefixes.push(prefix);
        } else if (looksLikePath(t.value)) {
          parts.push([t.value]);
        }
      } else if (t.kind === 'ident' && b.tokens[k - 1]?.value !== '.' && b.tokens[k + 1]?.value !== ':' && b.tokens[k + 1]?.value !== '!') {
        const bound = b.bindings.get(t.value);
        if (bound === 'output' || OUTPUT_IDENT.test(t.value)) output = true;
        else if (bound) parts.push(bound);
        else if (!STRUCTURAL_IDENT.test(t.value)) unbound++;
      }
    }
    const primary = new Set<string>();
    const candidates = new Set<string>();
    for (const segment of segments) {
      const joined = segment.length > 1 && segment.every(p => p.length === 1) ? path.posix.join(...segment.map(p => p[0])) : undefined;
      if (joined !== undefined) {
        primary.add(joined);
        candidates.add(joined);
        if (!this.existsInside(path.resolve(this.pkgAbs, joined))) segment.flat().forEach(p => candidates.add(p));
      } else {
        for (const p of segment.flat()) {
          primary.add(p);
          candidates.add(p);
        }
      }
    }
    return { primary: [...primary], candidates: [...candidates], prefixes, env, unbound, output };
  }

  /** A string literal of a build script: `rerun-if-changed`, or any existing path relative to the package dir. */
  private buildLiteral(b: BuildContext, i: number): void {
    const value = b.tokens[i].value;
    if (isEnvRead(b.tokens, i)) return;
    const rerun = [...value.matchAll(/cargo::?rerun-if-changed=([^\n]*)/g)].map(m => m[1].trim());
    if (rerun.length > 0) {
      for (const p of rerun) this.rerunIfChanged(b, i, p);
      return;
    }
    if (!looksLikePath(value) || path.isAbsolute(value)) return;
    const abs = path.resolve(this.pkgAbs, value);
    if (this.isPackageOrAncestor(abs) || !this.existsInside(abs)) return;
    this.addPath(abs, b.origin(b.tokens[i].line), value);
  }

  /** `cargo:rerun-if-changed=<p>` in the literal at `i`; placeholders filled from the format arguments when they are literal-bound. */
  private rerunIfChanged(b: BuildContext, i: number, p: string): void {
    const at = b.origin(b.tokens[i].line);
    let paths = [p];
    if (/\{[^{}]*\}/.test(p.replace(/\{\{|\}\}/g, ''))) {
      const filled = this.fillFormat(b, i, p);
      if (filled === 'output') return;
      if (typeof filled === 'string') {
        const prefix = formatPrefixDir(p);
        if (filled.startsWith('environment') || prefix === undefined || !this.coveredByFolder(prefix, at)) this.unresolve(at, filled);
        return;
      }
      paths = filled;
    }
    for (const one of paths) {
      const unescaped = one.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      if (unescaped === '' || path.isAbsolute(unescaped)) continue;
      const abs = path.resolve(this.pkgAbs, unescaped);
      if (!this.isPackageOrAncestor(abs)) this.addPath(abs, at, unescaped);
    }
  }

  /**
   * Fills the `{}`/`{0}`/`{name}` placeholders of the format string at `i` with
   * its arguments when each is bound to literals; 'output' for a build output,
   * else the reason it cannot be filled.
   */
  private fillFormat(b: BuildContext, i: number, format: string): string[] | 'output' | string {
    const frame = b.calls[b.calls.length - 1];
    const group = frame ? macroArgs(b.tokens, frame.open) : undefined;
    const args = group?.args ?? [];
    const first = args.findIndex(([x, y]) => x <= i && i < y);
    const positional: Array<[number, number]> = [];
    const named = new Map<string, [number, number]>();
    for (const [x, y] of args.slice(first + 1)) {
      if (b.tokens[x].kind === 'ident' && b.tokens[x + 1]?.value === '=' && b.tokens[x + 2]?.value !== '=') named.set(b.tokens[x].value, [x + 2, y]);
      else positional.push([x, y]);
    }
    let next = 0;
    let results = [''];
    const pieces = format.split(/(\{\{|\}\}|\{[^{}]*\})/);
    for (const piece of pieces) {
      if (!/^\{[^{}]*\}$/.test(piece)) {
        results = results.map(r => r + piece);
        continue;
      }
      const key = piece.slice(1, -1).split(':')[0].trim();
      let values: string[] | undefined;
      const range = key === '' ? positional[next++] : /^\d+$/.test(key) ? positional[Number(key)] : named.get(key);
      if (range) {
        const arg = this.argumentPaths(b, range[0], range[1]);
        if (arg.output) return 'output';
        if (arg.env.length > 0) return envReason(arg.env[0]);
        if (arg.unbound === 0 && arg.primary.length > 0) values = arg.primary;
      } else {
        const bound = b.bindings.get(key);
        if (bound === 'output' || OUTPUT_IDENT.test(key)) return 'output';
        values = bound;
      }
      if (!values) return 'path built at run time';
      results = results.flatMap(r => values!.map(v => r + v));
    }
    return results;
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
        if (prefix !== '' && this.isSentAnyway(relativePosix(this.src.rootDir, abs))) continue;
        this.unresolve(at(entry), `package.include glob "${entry}": add the paths it matches to "dockerignoreAllow"`);
      } else if (fs.existsSync(path.resolve(this.pkgAbs, rel))) { // a missing entry is no error for cargo either
        this.addPath(path.resolve(this.pkgAbs, rel), at(entry), entry);
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
        if (fs.existsSync(abs)) this.addPath(abs, depLine('sqlx'), '.sqlx');
      }
    }
    for (const engine of ['askama', 'rinja']) {
      if (!deps.has(engine)) continue;
      const templates = path.join(this.pkgAbs, 'templates');
      if (isDir(templates)) this.addPath(templates, depLine(engine), 'templates');
      const config = path.join(this.pkgAbs, `${engine}.toml`);
      if (isFile(config)) {
        this.addPath(config, depLine(engine), `${engine}.toml`);
        for (const d of templateDirs(readText(config) ?? '')) this.addPath(path.resolve(this.pkgAbs, d), { file: relativePosix(this.src.rootDir, config), line: 1, text: `dirs = [..., "${d}"]` }, d);
      }
    }
  }

  // -------------------------------------------------------------------------
  // Paths

  /**
   * Records an input: unresolved when outside the root or missing, skipped when
   * sent anyway (the package's `src/`, manifest, targets, build script).
   * Returns whether the path exists inside the root.
   */
  private addPath(abs: string, at: Origin, written: string): boolean {
    const rel = relativePosix(this.src.rootDir, abs);
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

  private isSentAnyway(rel: string): boolean {
    return this.inSrc(rel) || this.sentAnyway.has(rel);
  }

  private existsInside(abs: string): boolean {
    const rel = relativePosix(this.src.rootDir, abs);
    if (isOutside(rel) || isUnder(rel, 'target') || isUnder(rel, this.src.dir === '.' ? 'target' : `${this.src.dir}/target`)) return false;
    return fs.existsSync(abs);
  }

  /**
   * Whether the folder a run-time path starts with covers it: a folder of the
   * package's `src/` (sent anyway), or an existing folder inside the package,
   * which becomes the input.
   */
  private coveredByFolder(prefix: string, at: Origin): boolean {
    const abs = path.resolve(this.pkgAbs, prefix);
    if (this.isPackageOrAncestor(abs) || !this.existsInside(abs) || !isDir(abs)) return false;
    return this.addPath(abs, at, prefix);
  }

  /** The package dir or one of its parents (too broad to be an input). */
  private isPackageOrAncestor(abs: string): boolean {
    const rel = relativePosix(this.src.rootDir, abs);
    return isOutside(rel) || isUnder(this.src.dir, rel);
  }

  private unresolve(at: Origin, reason: string): void {
    const key = `${at.file}\0${at.line}\0${reason}`;
    if (!this.unresolved.has(key)) this.unresolved.set(key, { file: at.file, line: at.line, text: at.text, reason });
  }
}

/** Identifiers that only shape a path expression (types, conversions, `env::var`), not a value of their own. */
const STRUCTURAL_IDENT = /^(Path|PathBuf|OsStr|OsString|String|str|new|from|join|push|as_ref|as_path|as_str|as_os_str|to_path_buf|to_str|to_string_lossy|to_owned|to_string|into|clone|display|unwrap|unwrap_or_default|expect|iter|map|collect|fs|std|env|var|var_os|File|true|false|mut|ref|as|self|crate|Some|None|Ok|Err|vec|Vec|u8|char)$/;

/**
 * Variables of a build script bound to literal paths: `let x = "proto";`,
 * `const PROTOS: &[&str] = &["a.proto", "b.proto"];`, `let dir =
 * env::var("CARGO_MANIFEST_DIR")...` ("."), `for p in PROTOS` (each element);
 * 'output' for those bound to OUT_DIR or another cargo-set variable.
 */
function literalBindings(tokens: Token[]): Map<string, string[] | 'output'> {
  const bindings = new Map<string, string[] | 'output'>();
  for (let i = 0; i < tokens.length; i++) {
    const kw = tokens[i].value;
    if (tokens[i].kind !== 'ident') continue;
    if (kw === 'for' && tokens[i + 1]?.kind === 'ident' && tokens[i + 2]?.value === 'in') {
      let k = i + 3;
      while (tokens[k]?.value === '&') k++;
      const bound = tokens[k]?.kind === 'ident' ? bindings.get(tokens[k].value) : undefined;
      if (bound && ['{', '.'].includes(tokens[k + 1]?.value)) bindings.set(tokens[i + 1].value, bound);
      continue;
    }
    if (kw !== 'let' && kw !== 'const' && kw !== 'static') {
      closureBinding(tokens, i, bindings);
      continue;
    }
    let k = i + 1;
    if (tokens[k]?.value === 'mut') k++;
    const name = tokens[k];
    if (name?.kind !== 'ident') continue;
    // the initializer: from `=` to `;` at depth 0
    let eq = k + 1;
    while (eq < tokens.length && eq < k + 16 && tokens[eq].value !== '=' && tokens[eq].value !== ';') eq++;
    if (tokens[eq]?.value !== '=') continue;
    const literals: string[] = [];
    let manifestDir = false;
    let output = false;
    let other = false;
    let depth = 0;
    for (let j = eq + 1; j < tokens.length; j++) {
      const t = tokens[j];
      if (t.value === '(' || t.value === '[' || t.value === '{') depth++;
      else if (t.value === ')' || t.value === ']' || t.value === '}') depth--;
      else if (t.value === ';' && depth <= 0) break;
      if (t.kind === 'str') {
        if (isEnvRead(tokens, j)) {
          if (t.value === 'CARGO_MANIFEST_DIR') manifestDir = true;
          else if (CARGO_RUNTIME_ENV.test(t.value)) output = true;
          else other = true;
        } else if (looksLikePath(t.value)) {
          literals.push(t.value);
        } else {
          other = true;
        }
      } else if (t.kind === 'ident' && !STRUCTURAL_IDENT.test(t.value) && tokens[j + 1]?.value !== ':' && tokens[j - 1]?.value !== '.') {
        const bound = bindings.get(t.value);
        if (bound === 'output' || OUTPUT_IDENT.test(t.value)) output = true;
        else if (bound) literals.push(...bound);
        else other = true;
      }
    }
    if (output) bindings.set(name.value, 'output');
    else if (!other && literals.length > 0) bindings.set(name.value, isArrayStart(tokens, eq + 1) ? literals : [path.posix.join(...literals)]);
    else if (!other && manifestDir) bindings.set(name.value, ['.']);
  }
  return bindings;
}

/**
 * `bound.iter().for_each(|x| ...)`: binds the closure parameter at `i` (the
 * identifier between `(|` and `|`) to the values of the bound variable the
 * method chain starts from.
 */
function closureBinding(tokens: Token[], i: number, bindings: Map<string, string[] | 'output'>): void {
  if (tokens[i - 1]?.value !== '|' || tokens[i + 1]?.value !== '|' || tokens[i - 2]?.value !== '(') return;
  let k = i - 3; // the method taking the closure
  for (let steps = 0; k >= 0 && steps < 16; steps++) {
    const t = tokens[k];
    if (t.value === ')' && tokens[k - 1]?.value === '(') k -= 2; // `()`
    else if (t.value === '.' || (t.kind === 'ident' && tokens[k - 1]?.value === '.')) k--;
    else break;
  }
  const start = tokens[k];
  const bound = start?.kind === 'ident' ? bindings.get(start.value) : undefined;
  if (bound) bindings.set(tokens[i].value, bound);
}

/** Whether an array expression starts at `i`: `[`, `&[`, `vec![`. */
function isArrayStart(tokens: Token[], i: number): boolean {
  let k = i;
  while (tokens[k]?.value === '&') k++;
  if (tokens[k]?.value === 'vec' && tokens[k + 1]?.value === '!') k += 2;
  return tokens[k]?.value === '[';
}

/** The reason for a path read from an environment variable. */
function envReason(name: string): string {
  return `environment variable ${name} is only known at build time (only CARGO_MANIFEST_DIR is resolved)`;
}

/** The callee of a `(` at `i` when it is a build-script read call (see {@link READ_CALLS}). */
function readCallee(tokens: Token[], i: number): string | undefined {
  const name = tokens[i - 1];
  if (name?.kind !== 'ident') return undefined;
  const form = READ_CALLS.get(name.value);
  if (!form) return undefined;
  const before = tokens[i - 2]?.value;
  const qualifier = before === ':' && tokens[i - 3]?.value === ':' ? tokens[i - 4]?.value : undefined;
  if (form === 'any') return name.value;
  if (form === 'method') return before === '.' ? name.value : undefined;
  // `use std::fs::read_dir;` then a bare `read_dir(..)` (names too distinctive to be anything else)
  if (form === 'fs' && UNQUALIFIED_FS_CALLS.has(name.value) && before !== '.' && before !== ':') return name.value;
  return qualifier === form ? name.value : undefined;
}

/** `fs` functions also recognised when called without the `fs::` qualifier (imported with `use std::fs::…`). */
const UNQUALIFIED_FS_CALLS = new Set(['read_dir', 'read_to_string']);

/** Whether the string literal at `k` names an environment variable: `var("X")`, `var_os("X")`, `env!("X")`. */
function isEnvRead(tokens: Token[], k: number): boolean {
  if (tokens[k - 1]?.value !== '(') return false;
  const callee = tokens[k - 2]?.value === '!' ? tokens[k - 3]?.value : tokens[k - 2]?.value;
  return callee === 'var' || callee === 'var_os' || callee === 'env' || callee === 'option_env';
}

/** Whether a build-script literal could be a relative file path (not a message, format string or cargo directive). */
function looksLikePath(value: string): boolean {
  return value.length > 0 && value.length <= 260 && value !== '.' && value !== './' && !/[\n\r\t{}=<>|*?"]/.test(value)
    && !value.startsWith('cargo:') && !value.startsWith('-') && value.trim() === value;
}

/** The constant folder a format string starts with (`"proto/{}.proto"` is "proto"), if any. */
function formatPrefixDir(format: string): string | undefined {
  const placeholder = format.replace(/\{\{|\}\}/g, '\0\0').search(/\{[^{}]*\}/);
  const head = placeholder === -1 ? format : format.slice(0, placeholder);
  const slash = head.lastIndexOf('/');
  const dir = slash > 0 ? head.slice(0, slash) : undefined;
  return dir !== undefined && looksLikePath(dir) && !path.isAbsolute(dir) ? dir : undefined;
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

/** A file's text, or undefined when it cannot be read or is too large. */
function readText(abs: string): string | undefined {
  try {
    const text = fs.readFileSync(abs, 'utf8');
    return text.length > MAX_SOURCE_BYTES ? undefined : text;
  } catch {
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
