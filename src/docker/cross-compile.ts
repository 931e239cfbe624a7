import { RUST_TARGET_FILE } from './dockerfile-layout';
import { CROSS_ARCHES } from '../plan/builder-plan';
import { ImagePlan } from '../plan/image-plan';
// cross-compilation (glibc): target-arch C libraries, cross gcc/g++, the env cargo and pkg-config read

/** Debian `-dev` packages that serve the build machine (bindgen loads the host's libclang), never the target. */
const HOST_ONLY_DEV_PACKAGE = /^(?:libclang(?:-common)?(?:-[0-9.]+)?-dev|llvm(?:-[0-9.]+)?-dev|libllvm.*)$/;

/**
 * The `buildPackages` entries that are C libraries to link for the target: every `*-dev` package
 * (`libssl-dev`, `zlib1g-dev`, …) without an architecture of its own, except host tools' (libclang, LLVM).
 * Tools (`pkg-config`, `protobuf-compiler`, `cmake`, `clang`, …) run on the build machine and stay host-arch.
 * Returned as `{ name, version }` (`version` from `name=version`, else undefined).
 */
function crossLibraryPackages(buildPackages: string[]): Array<{ name: string; version?: string }> {
  const libs: Array<{ name: string; version?: string }> = [];
  for (const entry of buildPackages) {
    const [name, version] = entry.split('=', 2);
    if (name.includes(':') || !name.endsWith('-dev') || HOST_ONLY_DEV_PACKAGE.test(name)) continue;
    libs.push({ name, version });
  }
  return libs;
}

/** Env of the cross build stage: per target triple, the linker, C/C++ compilers, archiver and pkg-config's search path. */
export function crossEnv(libc: string): Array<[string, string]> {
  const env: Array<[string, string]> = [];
  for (const arch of Object.values(CROSS_ARCHES)) {
    const triple = `${arch}_unknown_linux_${libc}`;
    const gnu = `${arch}-linux-gnu`;
    env.push([`CARGO_TARGET_${triple.toUpperCase()}_LINKER`, `${gnu}-gcc`]);
    if (libc !== 'gnu') continue;
    env.push(
      [`CC_${triple}`, `${gnu}-gcc`],
      [`CXX_${triple}`, `${gnu}-g++`],
      [`AR_${triple}`, `${gnu}-ar`],
      // Debian multiarch: the target's .pc files (and libraries) live under /usr/lib/<gnu triple>, no sysroot
      [`PKG_CONFIG_LIBDIR_${triple}`, [`/usr/local/lib/${gnu}/pkgconfig`, `/usr/lib/${gnu}/pkgconfig`, '/usr/local/share/pkgconfig', '/usr/share/pkgconfig'].join(':')],
    );
  }
  // the pkg-config crate refuses cross builds unless allowed; the per-triple search paths above make it safe
  if (libc === 'gnu') env.push(['PKG_CONFIG_ALLOW_CROSS', '1']);
  return env;
}

/**
 * The RUN commands of the cross build stage: map $TARGETARCH to the Rust target (recorded in
 * /rust-target), add its std; then, only when the target is not the build machine's architecture,
 * install the cross gcc/g++ and libc, and (glibc) `dpkg --add-architecture` + the target-arch
 * version of every library of `buildPackages`. A library that cannot be installed for the target
 * next to the build machine's copy fails the build, naming the package and what to do instead.
 */
export function crossInstallCommands(p: ImagePlan, libc: string): string[] {
  const gnu = libc === 'gnu';
  const cases = Object.entries(CROSS_ARCHES)
    .map(([docker, arch]) => {
      const prefix = arch.replace(/_/g, '-');
      return `${docker}) arch=${arch}; gcc='gcc-${prefix}-linux-gnu'; libc='libc6-dev-${docker}-cross'${gnu ? `; gxx='g++-${prefix}-linux-gnu'` : ''} ;;`;
    })
    .join(' ');
  const libs = gnu ? crossLibraryPackages(p.builder.packages) : [];
  const fix = 'Build this platform with MultiArchStrategy.QEMU or NATIVE_RUNNERS, or use a crate feature that builds the library from source (e.g. openssl\'s vendored)';
  const commands = [
    `case "$TARGETARCH" in ${cases} *) echo "unsupported TARGETARCH '$TARGETARCH': cross-compilation supports ${Object.keys(CROSS_ARCHES).join(', ')}" >&2; exit 1 ;; esac`,
    `echo "$arch-unknown-linux-${libc}" > ${RUST_TARGET_FILE}`,
    `rustup target add "$(cat ${RUST_TARGET_FILE})"`,
    'if [ "$arch" = "$(uname -m)" ]; then exit 0; fi',
  ];
  if (libs.length > 0) commands.push('dpkg --add-architecture "$TARGETARCH"');
  commands.push('apt-get update');
  if (libs.length > 0) {
    commands.push([
      `fix="${fix}"; set -- ${libs.map(l => l.name).join(' ')}; for p in "$@"; do`,
      'info="$(apt-cache show --no-all-versions "$p:$TARGETARCH" 2>/dev/null)" ||',
      '{ echo "error: buildPackages: $p has no $TARGETARCH version in the apt sources, so the cross build cannot link it for $TARGETARCH. $fix" >&2; exit 1; };',
      // empty: an Architecture: all package (headers only), which apt installs for any architecture
      'case "$info" in ""|*"Multi-Arch: same"*) ;;',
      '*) echo "error: buildPackages: $p cannot be installed for $TARGETARCH next to the build machine\'s copy (it is not Multi-Arch: same), so the cross build cannot link it for $TARGETARCH. $fix" >&2; exit 1 ;; esac;',
      'done',
    ].join(' '));
  }
  const targetLibs = libs.map(l => `"${l.name}:$TARGETARCH${l.version ? `=${l.version}` : ''}"`);
  commands.push(
    `apt-get install -y --no-install-recommends "$gcc" ${gnu ? '"$gxx" ' : ''}"$libc"${targetLibs.map(l => ` ${l}`).join('')}`,
    'rm -rf /var/lib/apt/lists/*',
  );
  return commands;
}
