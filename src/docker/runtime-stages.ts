/** The runtime stages: runtime-base, the glibc guard, the final image. */
import { useBashWithPipefail } from './build-steps';
import { Dockerfile } from './dockerfile';
import { GUARD_RUNTIME_ROOT, OUT_DIR, STAGE } from './dockerfile-layout';
import { DockerStage } from './dockerfile-stage';
import { ANY_UNPINNED, APK_UNPINNED, APT_UNPINNED, ignoreNext, runtimeFromComment } from './lint-exceptions';
import { ImagePlan } from '../plan/image-plan';
import { PackageManager } from '../plan/runtime-plan';
import { RuntimeBase } from '../settings';
import { shellQuote } from '../shell';

/**
 * The runtime image. With the glibc guard: `runtime-base` (image, packages, user) → `glibc-guard`
 * (the builder checks the binaries against runtime-base's libraries) → `runtime` (runtime-base +
 * the checked binaries), so a binary that could not start on the runtime fails the build instead.
 */
export function runtimeStages(
  file: Dockerfile, p: ImagePlan, binariesFrom: string = STAGE.BUILDER, names: RuntimeStageNames = {},
): { runtime: DockerStage; runtimeBase?: DockerStage; glibcGuard?: DockerStage } {
  const { runtime: runtimeName = STAGE.RUNTIME, runtimeBase: baseName = STAGE.RUNTIME_BASE, glibcGuard: guardName = STAGE.GLIBC_GUARD } = names;
  if (!p.runtime.glibcGuard) {
    const runtime = file.addStage({ from: p.runtime.image, name: runtimeName, fromComment: runtimeFromComment(p) });
    prepareRuntime(runtime, p);
    finishRuntime(runtime, p, binariesFrom);
    return { runtime };
  }
  const runtimeBase = file.addStage({ from: p.runtime.image, name: baseName, fromComment: runtimeFromComment(p) });
  prepareRuntime(runtimeBase, p);
  const glibcGuard = guardStage(file, p, binariesFrom, guardName);
  glibcGuard.comment('fail the build, not the container start, when a binary needs a glibc version or a library the runtime image lacks');
  useBashWithPipefail(glibcGuard);
  // cross builds name the target platform in the guard's messages
  if (p.builder.crossCompile) glibcGuard.arg('TARGETPLATFORM');
  // one shell script over continued lines (a loop cannot be split into "&&" commands)
  const script = [`--mount=type=bind,from=${baseName},target=${GUARD_RUNTIME_ROOT}`, ...glibcGuardScript(p)];
  glibcGuard.addInstruction('RUN', script.join(` \\\n${' '.repeat(4)}`));
  const runtime = file.addStage({ from: baseName, name: runtimeName });
  finishRuntime(runtime, p, guardName);
  return { runtime, runtimeBase, glibcGuard };
}

/** Names of the runtime stages (several images: each image's own); default the one image's. */
export interface RuntimeStageNames {
  readonly runtime?: string;
  readonly runtimeBase?: string;
  readonly glibcGuard?: string;
}

/**
 * The guard's stage: the stage that built the binaries (it has them and perl), or with RUNNER a plain Debian
 * image with the binaries of `binariesFrom`, so that BuildKit does not build the builder stage when the
 * binaries come from the runner (nothing installed: a cache hit needs no extra layer).
 */
function guardStage(file: Dockerfile, p: ImagePlan, binariesFrom: string, name: string): DockerStage {
  const runner = p.builder.runner;
  if (runner === undefined) return file.addStage({ from: binariesFrom, name });
  const guard = file.addStage({ from: runner.guardImage, name });
  guard.comment('a plain Debian image (perl reads the binaries): the binaries may come from the runner, so this stage does not start from the builder');
  guard.copy({ from: binariesFrom, sources: [`${OUT_DIR}/`], dest: `${OUT_DIR}/` });
  return guard;
}

/**
 * `elf needs FILE` prints `<library>@<version>` for each symbol version FILE references and `<library>@`
 * for each library it needs (`NEEDED`); `elf defines FILE` prints the versions FILE defines. Read from the
 * ELF section headers (`.dynamic`, `.gnu.version_r`, `.gnu.version_d`) with perl, which every Debian
 * image has (perl-base is essential), for any architecture (the 32-bit and big-endian layouts are read
 * too, though the library builds only 64-bit little-endian: amd64, arm64). Nothing to install:
 * the guard runs in the builder, or with RUNNER in a plain Debian image whose layers the runtime shares.
 * No single quote inside (the shell quotes it); a non-ELF file prints nothing.
 */
export const ELF_READER_PERL = [
  'my ($m, $f) = @ARGV; open(my $h, "<:raw", $f) or die "glibc guard: cannot read $f: $!\\n"; local $/; my $d = <$h>;',
  'exit 0 unless substr($d, 0, 4) eq "\\x7fELF";',
  'my $b64 = ord(substr($d, 4, 1)) == 2; my $le = ord(substr($d, 5, 1)) == 1;',
  'my ($h16, $h32, $hw) = $le ? ("v", "V", $b64 ? "Q<" : "V") : ("n", "N", $b64 ? "Q>" : "N");',
  'sub num { my ($t, $o) = @_; return unpack($t, substr($d, $o, 8)); }',
  'sub str { return unpack("Z*", substr($d, $_[0], 4096)); }',
  'my ($shoff, $shsize, $shnum) = $b64 ? (num($hw, 0x28), num($h16, 0x3a), num($h16, 0x3c)) : (num($hw, 0x20), num($h16, 0x2e), num($h16, 0x30));',
  'my @sh = map { my $o = $shoff + $_ * $shsize; $b64',
  '  ? [num($h32, $o + 4), num($hw, $o + 24), num($hw, $o + 32), num($h32, $o + 40), num($h32, $o + 44)]',
  '  : [num($h32, $o + 4), num($hw, $o + 16), num($hw, $o + 20), num($h32, $o + 24), num($h32, $o + 28)] } 0 .. $shnum - 1;',
  'for my $s (@sh) {',
  '  my ($type, $off, $size, $link, $info) = @$s; my $strs = $sh[$link][1];',
  '  if ($m eq "needs" && $type == 6) { my $es = $b64 ? 16 : 8;',
  '    for (my $o = $off; $o < $off + $size; $o += $es) { my $tag = num($hw, $o); last if $tag == 0; print str($strs + num($hw, $o + $es / 2)), "\\@\\n" if $tag == 1; } }',
  '  elsif ($m eq "needs" && $type == 0x6ffffffe) { my $o = $off;',
  '    for (1 .. $info) { my $lib = str($strs + num($h32, $o + 4)); my $x = $o + num($h32, $o + 8);',
  '      for (1 .. num($h16, $o + 2)) { print $lib, "\\@", str($strs + num($h32, $x + 8)), "\\n"; $x += num($h32, $x + 12); }',
  '      $o += num($h32, $o + 12); } }',
  '  elsif ($m eq "defines" && $type == 0x6ffffffd) { my $o = $off;',
  '    for (1 .. $info) { print str($strs + num($h32, $o + num($h32, $o + 12))), "\\n"; $o += num($h32, $o + 16); } }',
  '}',
];

/**
 * The guard: for every binary, each shared library it needs (`NEEDED`) must exist in the runtime image,
 * and each symbol version it references (`GLIBC_2.39`, weak ones too: the loader warns about those)
 * must be defined by that library there. Read with {@link ELF_READER_PERL}.
 */
function glibcGuardScript(p: ImagePlan): string[] {
  const root = GUARD_RUNTIME_ROOT;
  const platform = p.builder.crossCompile ? ' ($TARGETPLATFORM)' : '';
  // (pipefail: `grep -xF … >/dev/null` reads its whole input; `grep -q` would stop at the match and
  // could leave a SIGPIPE on its left, failing the pipeline)
  const fix = p.builder.runner !== undefined
    ? `binaries built on the CI runner need a runtime whose glibc is not older than the runner one (ubuntu-24.04: 2.39): set "debianRelease" to TRIXIE or "targetLibc" to MUSL; built here, build and run on one Debian release (now ${p.builder.debianRelease}) and add missing libraries to "runtimePackages"`
    : p.runtime.base === RuntimeBase.CUSTOM
      ? 'use a runtime image of the same Debian release as the builder (option "debianRelease"), or add the library to "runtimePackages"'
      : `build and run on one Debian release (option "debianRelease", now ${p.builder.debianRelease}) without hand-picked images of another release, and add missing libraries to "runtimePackages"`;
  const reader = ELF_READER_PERL.map((l, i) => (i === 0 ? `elf() { perl -e '${l}` : `  ${l}`));
  reader[reader.length - 1] += '\' -- "$@"; };';
  return [
    'command -v perl >/dev/null || { echo "glibc guard: perl is missing in the image of the glibc-guard stage: use a Debian-based builder image, or set glibcGuard to false" >&2; exit 1; };',
    ...reader,
    'status=0;',
    `for bin in ${OUT_DIR}/*; do`,
    '  for need in $(elf needs "$bin" | sort -u); do',
    '    lib=${need%@*}; ver=${need#*@};',
    `    path=$(find -H ${root}/lib ${root}/lib64 ${root}/usr/lib ${root}/usr/lib64 -maxdepth 2 -name "$lib" 2>/dev/null | head -n 1);`,
    `    while [ -n "$path" ] && [ -L "$path" ]; do t=$(readlink "$path"); case "$t" in /*) path=${root}$t ;; *) path=$(dirname "$path")/$t ;; esac; done;`,
    '    if [ -z "$path" ]; then echo "glibc guard: ${bin##*/} needs $lib, which the runtime image' + platform + ' does not have" >&2; status=1;',
    '    elif [ -n "$ver" ] && ! elf defines "$path" | grep -xF "$ver" >/dev/null; then echo "glibc guard: ${bin##*/} needs $ver of $lib, which the runtime image\'s $lib does not define" >&2; status=1; fi;',
    '  done;',
    'done;',
    `if [ "$status" -ne 0 ]; then echo ${shellQuote(`glibc guard: the image would not start. Fix: ${fix}.`)} >&2; exit 1; fi`,
  ];
}

/** Packages, then the non-root user (what the binaries' checks see). */
function prepareRuntime(rt: DockerStage, p: ImagePlan): void {
  installRuntimePackages(rt, p);
  if (p.runtime.user?.create) {
    const { uid, gid, name } = p.runtime.user;
    rt.comment('non-root user with a fixed UID (USER is numeric, so Kubernetes runAsNonRoot can verify it);');
    rt.comment('its "last password change" field would record the day of the build: emptied (no password, no aging)');
    const noBuildDay = `sed -i 's/^${name}:\\([^:]*\\):[0-9]*:/${name}:\\1::/' /etc/shadow`;
    rt.run(p.runtime.base === RuntimeBase.ALPINE
      ? { commands: [`addgroup -S -g ${gid} ${name}`, `adduser -S -D -H -u ${uid} -G ${name} -s /sbin/nologin ${name}`, noBuildDay] }
      : { commands: [`groupadd --system --gid ${gid} ${name}`, `useradd --system --uid ${uid} --gid ${gid} --no-create-home --shell /usr/sbin/nologin ${name}`, noBuildDay] });
  }
}

/** The binaries (from `binariesFrom`), then the image settings. */
function finishRuntime(rt: DockerStage, p: ImagePlan, binariesFrom: string): void {
  if (p.runtime.base === RuntimeBase.SCRATCH) {
    rt.comment('scratch has no CA certificates: take the builder\'s');
    rt.copy({ from: STAGE.BUILDER, sources: ['/etc/ssl/certs/ca-certificates.crt'], dest: '/etc/ssl/certs/ca-certificates.crt' });
  }
  rt.copy({ from: binariesFrom, sources: p.cargo.binaries.map(b => `${OUT_DIR}/${b.name}`), dest: `${p.runtime.binDir}/` });
  rt.workdir(p.runtime.workdir);
  for (const [name, value] of Object.entries(p.runtime.env)) rt.env(name, value);
  for (const port of p.runtime.ports) rt.expose(port);
  if (p.runtime.user) rt.user(`${p.runtime.user.uid}:${p.runtime.user.gid}`);
  if (p.runtime.healthcheck) rt.healthcheck(p.runtime.healthcheck);
  if (p.runtime.stopSignal) rt.stopSignal(p.runtime.stopSignal);
  rt.entrypoint(p.runtime.entrypoint);
  if (p.runtime.cmd) rt.cmd(p.runtime.cmd);
  const args = Object.entries(p.runtime.labelBuildArgs);
  if (args.length > 0) rt.comment('OCI labels: the workflow passes these build args (empty by default)');
  for (const [, arg] of args) rt.arg(arg, '');
  for (const [label, value] of Object.entries(p.runtime.labels)) rt.label(label, value);
  for (const [label, arg] of args) rt.label(label, `$${arg}`, { allowSubstitution: true });
}

/**
 * What apt leaves behind that records the build rather than the packages: the lists and package
 * caches it downloaded, its logs and dpkg's (install times), ldconfig's auxiliary cache (file
 * times). Removed in the installing layer, so two builds of the same inputs give the same layer.
 */
const APT_LEFTOVERS = '/var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/cache/ldconfig/aux-cache';

function installRuntimePackages(rt: DockerStage, p: ImagePlan): void {
  const pkgs = p.runtime.packages;
  if (pkgs.length === 0) return;
  const list = pkgs.join(' ');
  const apt = `apt-get update && apt-get install -y --no-install-recommends ${list} && rm -rf ${APT_LEFTOVERS}`;
  const apk = `apk add --no-cache ${list}`;
  if (p.runtime.packageManager === PackageManager.APK) {
    ignoreNext(rt, APK_UNPINNED);
    rt.run(apk);
  } else if (p.runtime.packageManager === PackageManager.APT) {
    rt.comment('the package lists, apt/dpkg logs and caches record the build, not the image: removed, so the layer is reproducible');
    ignoreNext(rt, APT_UNPINNED);
    rt.run({ commands: ['apt-get update', `apt-get install -y --no-install-recommends ${list}`, `rm -rf ${APT_LEFTOVERS}`] });
  } else {
    ignoreNext(rt, ANY_UNPINNED);
    rt.run(`if command -v apt-get >/dev/null; then ${apt}; elif command -v apk >/dev/null; then ${apk}; else echo "runtimePackages: no apt-get or apk in ${p.runtime.image}" >&2; exit 1; fi`);
  }
}
