// The build-script rules of the compile-input scan: the paths a build script's
// read calls, `rerun-if-changed` lines and path literals name.
import * as path from 'path';
import { CARGO_RUNTIME_ENV, OUTPUT_IDENT, STRUCTURAL_IDENT, formatPrefixDir, isEnvRead, looksLikePath, readCallee } from './build-script-reads';
import { relativePosix } from './fs-util';
import type { Origin, PackageInputs } from './package-inputs';
import { Token, envReason, macroArgs } from './rust-tokens';

/** A frame of the call stack of a build script: the callee of a read call, the opening token. */
interface CallFrame {
  readonly callee?: string;
  readonly open: number;
}

/** The state of scanning one build-script file. */
export interface BuildContext {
  readonly tokens: Token[];
  readonly origin: (line: number) => Origin;
  readonly calls: CallFrame[];
  /** variables bound to literal paths, or to a build output */
  readonly bindings: Map<string, string[] | 'output'>;
}

/** What an expression of a build script may name (see `BuildScriptRules.argumentPaths`). */
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

/** Applies the build-script rules to the tokens of a build script (and the modules it declares). */
export class BuildScriptRules {
  constructor(private readonly inputs: PackageInputs) {}

  /** Opens/closes call frames; at the close of a read call, checks that its path was found. */
  public trackCall(b: BuildContext, i: number): void {
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
    const existing = args.candidates.filter(p => !path.isAbsolute(p)).map(p => path.resolve(this.inputs.pkgAbs, p))
      .filter(p => this.inputs.existsInside(p) && !this.inputs.isPackageOrAncestor(p));
    if (existing.length > 0) {
      for (const p of existing) this.inputs.addPath(p, at, relativePosix(this.inputs.pkgAbs, p));
      return;
    }
    const primary = args.primary.map(p => path.resolve(this.inputs.pkgAbs, p));
    if (primary.some(p => this.inputs.isPackageOrAncestor(p))) return; // reads the package folder itself
    if (args.env.length > 0) {
      this.inputs.unresolve(at, envReason(args.env[0]));
    } else if (args.prefixes.some(p => this.inputs.coveredByFolder(p, at))) {
      return;
    } else if (args.unbound > 0) {
      this.inputs.unresolve(at, 'path built at run time');
    } else if (primary.length > 0) {
      this.inputs.addPath(primary[0], at, args.primary[0]);
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
        if (!this.inputs.existsInside(path.resolve(this.inputs.pkgAbs, joined))) segment.flat().forEach(p => candidates.add(p));
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
  public buildLiteral(b: BuildContext, i: number): void {
    const value = b.tokens[i].value;
    if (isEnvRead(b.tokens, i)) return;
    const rerun = [...value.matchAll(/cargo::?rerun-if-changed=([^\n]*)/g)].map(m => m[1].trim());
    if (rerun.length > 0) {
      for (const p of rerun) this.rerunIfChanged(b, i, p);
      return;
    }
    if (!looksLikePath(value) || path.isAbsolute(value)) return;
    const abs = path.resolve(this.inputs.pkgAbs, value);
    if (this.inputs.isPackageOrAncestor(abs) || !this.inputs.existsInside(abs)) return;
    this.inputs.addPath(abs, b.origin(b.tokens[i].line), value);
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
        if (filled.startsWith('environment') || prefix === undefined || !this.inputs.coveredByFolder(prefix, at)) this.inputs.unresolve(at, filled);
        return;
      }
      paths = filled;
    }
    for (const one of paths) {
      const unescaped = one.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      if (unescaped === '' || path.isAbsolute(unescaped)) continue;
      const abs = path.resolve(this.inputs.pkgAbs, unescaped);
      if (!this.inputs.isPackageOrAncestor(abs)) this.inputs.addPath(abs, at, unescaped);
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
}
