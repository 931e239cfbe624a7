// How a build script names the files it reads, seen in its tokens: read calls
// (`fs::read*`, `File::open`, protobuf and `cc` builders), variables bound to
// literal paths, environment reads, and which literals look like paths.
import * as path from 'path';
import type { Token } from './rust-tokens';

/** Environment variables set by cargo for build scripts whose paths are outside the sources. */
export const CARGO_RUNTIME_ENV = /^(OUT_DIR|TARGET|HOST|PROFILE|OPT_LEVEL|DEBUG|NUM_JOBS|RUSTC|RUSTDOC|RUSTC_LINKER|CARGO|DEP_.*|CARGO_CFG_.*|CARGO_PKG_.*|CARGO_FEATURE_.*|CARGO_ENCODED_RUSTFLAGS|CARGO_TARGET_DIR|CARGO_MANIFEST_LINKS)$/;
/** Identifiers that name build outputs rather than sources (`out_dir`, `out_path`, `dest`...). */
export const OUTPUT_IDENT = /^(out|dest|dst|output|target)(_|$)|_(out|dest|dst)(_|$)|^OUT_DIR$/i;

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

/** Identifiers that only shape a path expression (types, conversions, `env::var`), not a value of their own. */
export const STRUCTURAL_IDENT = /^(Path|PathBuf|OsStr|OsString|String|str|new|from|join|push|as_ref|as_path|as_str|as_os_str|to_path_buf|to_str|to_string_lossy|to_owned|to_string|into|clone|display|unwrap|unwrap_or_default|expect|iter|map|collect|fs|std|env|var|var_os|File|true|false|mut|ref|as|self|crate|Some|None|Ok|Err|vec|Vec|u8|char)$/;

/**
 * Variables of a build script bound to literal paths: `let x = "proto";`,
 * `const PROTOS: &[&str] = &["a.proto", "b.proto"];`, `let dir =
 * env::var("CARGO_MANIFEST_DIR")...` ("."), `for p in PROTOS` (each element);
 * 'output' for those bound to OUT_DIR or another cargo-set variable.
 */
export function literalBindings(tokens: Token[]): Map<string, string[] | 'output'> {
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

/** The callee of a `(` at `i` when it is a build-script read call (see {@link READ_CALLS}). */
export function readCallee(tokens: Token[], i: number): string | undefined {
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
export function isEnvRead(tokens: Token[], k: number): boolean {
  if (tokens[k - 1]?.value !== '(') return false;
  const callee = tokens[k - 2]?.value === '!' ? tokens[k - 3]?.value : tokens[k - 2]?.value;
  return callee === 'var' || callee === 'var_os' || callee === 'env' || callee === 'option_env';
}

/** Whether a build-script literal could be a relative file path (not a message, format string or cargo directive). */
export function looksLikePath(value: string): boolean {
  return value.length > 0 && value.length <= 260 && value !== '.' && value !== './' && !/[\n\r\t{}=<>|*?"]/.test(value)
    && !value.startsWith('cargo:') && !value.startsWith('-') && value.trim() === value;
}

/** The constant folder a format string starts with (`"proto/{}.proto"` is "proto"), if any. */
export function formatPrefixDir(format: string): string | undefined {
  const placeholder = format.replace(/\{\{|\}\}/g, '\0\0').search(/\{[^{}]*\}/);
  const head = placeholder === -1 ? format : format.slice(0, placeholder);
  const slash = head.lastIndexOf('/');
  const dir = slash > 0 ? head.slice(0, slash) : undefined;
  return dir !== undefined && looksLikePath(dir) && !path.isAbsolute(dir) ? dir : undefined;
}
