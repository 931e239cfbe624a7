/** SKELETON: the stub targets and the awk programs that rewrite manifests and Cargo.lock to version 0.0.0. */
import { CargoPackageFacts } from '../cargo/cargo-facts';
import { ImagePlan } from '../plan/image-plan';
import { shellWords } from '../shell';

/** Stub target files of every member: `main` ones get `fn main() {}`, `empty` ones stay empty (libraries). */
export function stubFiles(packages: CargoPackageFacts[]): { main: string[]; empty: string[] } {
  const main = new Set<string>();
  const empty = new Set<string>();
  for (const pkg of packages) {
    for (const b of pkg.binaries) main.add(b.path);
    if (pkg.buildScript) main.add(pkg.buildScript);
    for (const t of pkg.otherTargets) main.add(t.path);
    if (pkg.lib) empty.add(pkg.lib.path);
  }
  for (const f of empty) main.delete(f);
  return { main: [...main], empty: [...empty] };
}

/** `touch` of every member's target root files and build scripts: cargo then rebuilds the workspace crates, never the dependencies. */
export function touchSources(p: ImagePlan): string {
  const stubs = stubFiles(p.cargo.packages);
  return `touch ${shellWords([...stubs.main, ...stubs.empty])}`;
}

export function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
}

/**
 * awk program for a manifest: `version` of `[package]` / `[workspace.package]` becomes 0.0.0, and the
 * version requirement of every path dependency is dropped (inline tables and `[*dependencies.<key>]`
 * sub-tables, whatever the key: `alias = { package = "name", path = …, version = … }` reaches a member
 * too), so requirements on members still match their 0.0.0. Requirements only matter for publishing.
 */
export function manifestAwk(): string {
  return [
    'function flush(  i) { for (i = 1; i <= nb; i++) if (!(haspath && b[i] ~ /^[ \\t]*version[ \\t]*=/)) print b[i]; nb = 0; haspath = 0 }',
    '/^[ \\t]*\\[/ { flush(); s = $0; gsub(/[ \\t]/, "", s); st = (s ~ /dependencies\\..+\\]$/) }',
    'st { b[++nb] = $0; if ($0 ~ /^[ \\t]*path[ \\t]*=/) haspath = 1; next }',
    '(s == "[package]" || s == "[workspace.package]") && /^[ \\t]*version[ \\t]*=/ { print "version = \\"0.0.0\\""; next }',
    's ~ /dependencies\\]$/ && /=[ \\t]*\\{.*path[ \\t]*=/ { gsub(/,[ \\t]*version[ \\t]*=[ \\t]*"[^"]*"/, ""); gsub(/version[ \\t]*=[ \\t]*"[^"]*"[ \\t]*,?[ \\t]*/, "") }',
    '{ print }',
    'END { flush() }',
  ].join(' ');
}

/**
 * awk program for Cargo.lock: `[[package]]` entries of workspace members (no `source`) get version
 * 0.0.0, and so does every versioned reference to a member (`"console 0.1.0"`, which cargo writes when
 * a registry crate has the member's name). `members` are `"<name> <version>"` pairs.
 */
export function lockAwk(members: string[]): string {
  return [
    `BEGIN { n = split("${members.join('|')}", m, "|"); for (i = 1; i <= n; i++) { ref[m[i]] = 1; split(m[i], nv, " "); own[nv[1]] = 1 } }`,
    'function flush(  i, l, d) { for (i = 1; i <= nb; i++) { l = b[i];',
    'if (mine && l ~ /^version = /) l = "version = \\"0.0.0\\"";',
    'else if (l ~ /^ "[^ "]+ [^ "]+",?$/) { d = l; gsub(/^ "|",?$/, "", d); if (d in ref) sub(/ [^ "]+"/, " 0.0.0\\"", l) }',
    'print l } nb = 0; mine = 0 }',
    '/^\\[/ { flush(); blk = ($0 == "[[package]]") }',
    'blk { b[++nb] = $0; if ($0 ~ /^name = /) { x = $0; gsub(/^name = "|"$/, "", x); mine = (x in own) } else if ($0 ~ /^source = /) mine = 0; next }',
    '{ print }',
    'END { flush() }',
  ].join(' ');
}
