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
 * awk program for a manifest: `version` of `[package]` / `[workspace.package]` becomes 0.0.0, and
 * version requirements on workspace members (path dependencies) are dropped, so they still match.
 */
export function manifestAwk(members: string[]): string {
  const names = members.join('|');
  return [
    '/^[ \\t]*\\[/ { s = $0; gsub(/[ \\t]/, "", s) }',
    '(s == "[package]" || s == "[workspace.package]") && /^[ \\t]*version[ \\t]*=/ { print "version = \\"0.0.0\\""; next }',
    `s ~ /dependencies\\.(${names})\\]$/ && /^[ \\t]*version[ \\t]*=/ { next }`,
    `s ~ /dependencies\\]$/ && /^[ \\t]*(${names})[ \\t]*=[ \\t]*\\{/ { gsub(/,[ \\t]*version[ \\t]*=[ \\t]*"[^"]*"/, ""); gsub(/version[ \\t]*=[ \\t]*"[^"]*"[ \\t]*,?[ \\t]*/, "") }`,
    '{ print }',
  ].join(' ');
}

/** awk program for Cargo.lock: `[[package]]` entries of workspace members (no `source`) get version 0.0.0. */
export function lockAwk(members: string[]): string {
  return [
    'function flush(  i, l) { for (i = 1; i <= nb; i++) { l = b[i]; if (own && l ~ /^version = /) l = "version = \\"0.0.0\\""; print l } nb = 0; own = 0 }',
    '/^\\[/ { flush(); blk = ($0 == "[[package]]") }',
    `blk { b[++nb] = $0; if ($0 ~ /^name = /) { n = $0; gsub(/^name = "|"$/, "", n); own = index(" ${members.join(' ')} ", " " n " ") > 0 } else if ($0 ~ /^source = /) own = 0; next }`,
    '{ print }',
    'END { flush() }',
  ].join(' ');
}
