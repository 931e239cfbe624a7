// Rust source as tokens (comments dropped, string literals unescaped), and the
// static evaluation of the literal paths macro arguments name.

/** A token of Rust source: identifier (keywords, lifetimes and numbers too), string literal value, or one punctuation character. */
export interface Token {
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
export type Evaluated =
  | { readonly kind: 'path'; readonly value: string }
  | { readonly kind: 'ignore' } // a build output (OUT_DIR): not a source input
  | { readonly kind: 'unresolved'; readonly reason: string };

/**
 * Evaluates tokens [from, to) of a macro argument: a string literal,
 * `concat!(..)` of such, `env!("CARGO_MANIFEST_DIR")` (the package dir), `env!("OUT_DIR")` (ignored).
 */
export function evaluate(tokens: Token[], from: number, to: number, pkgAbs: string): Evaluated {
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
export function macroArgs(tokens: Token[], open: number): { args: Array<[number, number]>; end: number } | undefined {
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
export function expandEnv(value: string, pkgAbs: string): Evaluated {
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

/** The reason for a path read from an environment variable. */
export function envReason(name: string): string {
  return `environment variable ${name} is only known at build time (only CARGO_MANIFEST_DIR is resolved)`;
}
