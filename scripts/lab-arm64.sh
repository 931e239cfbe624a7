#!/usr/bin/env bash
# arm64 in the lab: emulation, and arm64 variants of the Debian stand-ins as MULTI-PLATFORM tags in
# the lab registry, so `docker buildx build --platform linux/arm64` of a generated Dockerfile pulls
# an arm64 `debian:<release>-slim` (as on Docker Hub) and the arm64 image runs here under QEMU.
#   1. binfmt_misc mounted, Debian's qemu-user-static installed: qemu-aarch64 registered with the
#      fix-binary flag (F), so arm64 programs run in containers and BuildKit RUN steps too
#   2. per release: `debootstrap --arch=arm64 --variant=minbase` rootfs (under emulation), made
#      like base-images.sh makes the amd64 stand-in (docker-slim dpkg excludes, no apt lists/docs,
#      apt sources = this machine's mirror, read at run time and never written into the repo)
#   3. pushed as an arm64 image (FROM scratch + the rootfs, built for linux/arm64 on the lab
#      builder) under a side tag 127.0.0.1:5000/library/debian:lab-arm64-<release>-slim, then
#      `docker buildx imagetools create` makes debian:<release>-slim (+ 12-slim/13-slim,
#      stable-slim) a list of the registry's amd64 stand-in + that arm64 image
#   4. checks with the lab builder: FROM debian:<release>-slim is still amd64 by default, aarch64
#      with --platform linux/arm64
#   5. ARM64_RUST=1: an arm64 Rust toolchain image too (the QEMU strategy compiles under emulation):
#      the rootfs + gcc/libc6-dev (apt under emulation) + the aarch64 build of the amd64 stand-in's
#      toolchain (rustup, minimal profile, named <x.y.z>-aarch64-unknown-linux-gnu as the official
#      image names it) and a cargo-chef image on it (cargo-chef cross-compiled on the lab builder).
#      Published as multi-platform tags in their OWN repositories, 127.0.0.1:5000/lab-arm64/rust:
#      <x.y.z>-slim-<release> and …/lab-arm64/cargo-chef:latest-rust-<x.y.z>-slim-<release>
#      (amd64 = the lab's stand-in): the shared rust:* tags every amd64 test builds FROM keep their
#      digests, so no builder or registry cache keyed on them is invalidated.
# Measured (2 cores, first run): qemu-user-static 17 s, debootstrap 5 min, arm64 debian push 35 s;
# ARM64_RUST=1: apt under emulation 7 min, toolchain 13 s, rust push 64 s, cargo-chef 2.5 min.
# Once done: ~4 s (~10 s with ARM64_RUST=1).
# Turning a single-platform tag into a list changes its digest: builds FROM it miss the cache once.
# The tag switch takes the tests' build lock (DOCKER_BUILD_LOCK), so it never lands between two
# builds of a running test suite.
# Idempotent (FORCE=1 rebuilds the rootfs). Needs root and the lab (engine, stand-ins, registry,
# builder `lab`: scripts/docker-setup.sh). Heavy: run it under the shared lock —
#   flock -o /tmp/lab-heavy.lock bash scripts/lab-arm64.sh
# Env: ARM64_RELEASES="trixie" (add bookworm: "trixie bookworm"), ARM64_RUST=1, LAB_WORK (default
# /var/tmp/docker-offline), LAB_BUILDER_NAME (default lab), DOCKER_OFFLINE_DIR (the toolkit).
# base-images.sh FORCE=1 + registry.sh re-push the amd64 tags as single-platform images: run this again then.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=docker-offline-lib.sh source-path=SCRIPTDIR
. "$HERE/docker-offline-lib.sh"
T0=$(date +%s)
step() { echo "[lab-arm64 +$(( $(date +%s) - T0 ))s] $*"; }
die() { echo "[lab-arm64] ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (mounts binfmt_misc, installs qemu-user-static, debootstraps)"
OFFLINE=$(docker_offline_dir)
WORK=${LAB_WORK:-/var/tmp/docker-offline}/arm64; mkdir -p "$WORK"
REG=127.0.0.1:5000
BUILDER=${LAB_BUILDER_NAME:-lab}
RELEASES=${ARM64_RELEASES:-trixie}
BUILD_LOCK=${DOCKER_BUILD_LOCK:-/tmp/projen-rust-docker.docker.lock}
declare -A NUMBER=([bookworm]=12 [trixie]=13)
curl -fsS "http://$REG/v2/" >/dev/null || die "no lab registry on $REG: run scripts/docker-setup.sh first"
"$DOCKER" buildx inspect "$BUILDER" >/dev/null 2>&1 || die "no buildx builder '$BUILDER': run scripts/docker-setup.sh first"

# ---- 1. emulation ----------------------------------------------------------------------------
BINFMT=/proc/sys/fs/binfmt_misc
[ -e "$BINFMT/status" ] || mount -t binfmt_misc binfmt_misc "$BINFMT"
need=()
for p in qemu-user-static debootstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  (
    flock 9
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${need[@]}" >/dev/null
  ) 9>"$APT_LOCK"
  step "installed: ${need[*]}"
fi
if [ ! -e "$BINFMT/qemu-aarch64" ]; then
  # the package registers its interpreters when binfmt_misc is mounted at install time; else do it
  # from its own binfmt.d entry (fix-binary flag included)
  conf=''
  for c in /usr/lib/binfmt.d/qemu-aarch64*.conf; do [ -e "$c" ] && conf=$c && break; done
  if command -v update-binfmts >/dev/null && update-binfmts --enable qemu-aarch64 2>/dev/null; then :
  elif [ -n "$conf" ]; then grep -v '^#' "$conf" | head -1 > "$BINFMT/register"
  else die "qemu-user-static installed, but no way to register qemu-aarch64 (no update-binfmts, no binfmt.d entry)"
  fi
fi
grep -q '^enabled' "$BINFMT/qemu-aarch64" || echo 1 > "$BINFMT/qemu-aarch64"
grep -q '^flags:.*F' "$BINFMT/qemu-aarch64" || die "qemu-aarch64 is registered without the fix-binary flag (F): containers cannot use it. Remove it (echo -1 > $BINFMT/qemu-aarch64) and run again"
step "emulation: qemu-aarch64 registered ($(sed -n 's/^interpreter //p' "$BINFMT/qemu-aarch64"), $(grep '^flags' "$BINFMT/qemu-aarch64"))"

# ---- helpers ---------------------------------------------------------------------------------
MIRROR=$("$OFFLINE/apt-mirror.sh")
SECURITY=$(awk '/^URIs:/{u=$2} /^Suites:.*-security/{print u; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
sources() {  # $1 = release: apt sources as the official image has them (this machine's mirror), as base-images.sh writes them
  printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$MIRROR" "$1" "$1"
  [ -n "$SECURITY" ] && printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$SECURITY" "$1"
  return 0
}
ACCEPT='application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json'
manifest() {  # $1 = repo, $2 = tag or digest: the manifest JSON ('' when absent)
  curl -fsS -H "Accept: $ACCEPT" "http://$REG/v2/$1/manifests/$2" 2>/dev/null || true
}
digest_of() {  # $1 = repo, $2 = tag: its digest ('' when absent)
  { curl -fsSI -H "Accept: $ACCEPT" "http://$REG/v2/$1/manifests/$2" 2>/dev/null || true; } | tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" {print $2}'
}
arch_of() {  # $1 = repo, $2 = digest of an image manifest: the architecture of its config
  local cfg
  cfg=$(manifest "$1" "$2" | jq -r '.config.digest // empty')
  [ -n "$cfg" ] || return 0
  curl -fsS "http://$REG/v2/$1/blobs/$cfg" | jq -r '.architecture'
}
amd64_of() {  # $1 = repo, $2 = tag: digest of its amd64 image (the tag itself, or its amd64 entry)
  local m
  m=$(manifest "$1" "$2")
  [ -n "$m" ] || return 0
  if [ "$(jq -r 'has("manifests")' <<< "$m")" = true ]; then
    jq -r '.manifests[] | select(.platform.architecture == "amd64" and .platform.os == "linux") | .digest' <<< "$m" | head -1
  else
    local d; d=$(digest_of "$1" "$2")
    [ "$(arch_of "$1" "$d")" = amd64 ] && echo "$d"
  fi
  return 0
}

tree_to_tar() {  # $1 = tree, $2 = release, $3 = tar: a copy of the tree cleaned as base-images.sh cleans its stand-ins
  local T=$WORK/export
  rm -rf "$T"; cp -a "$1" "$T"
  rm -rf "$T"/var/lib/apt/lists/* "$T"/var/cache/apt/*.bin "$T"/var/cache/apt/archives/*.deb \
         "$T"/usr/share/doc/* "$T"/usr/share/man/* "$T"/usr/share/info/* "$T"/var/log/*.log "$T"/tmp/*
  rm -f "$T"/etc/apt/sources.list "$T"/etc/apt/sources.list.d/*
  sources "$2" > "$T/etc/apt/sources.list.d/debian.sources"
  tar --numeric-owner -C "$T" -cf "$3" .
  rm -rf "$T"
}
push_arm64() {  # $1 = context dir (Dockerfile + files), $2 = image ref, $3 = log: built for linux/arm64 on the lab builder, pushed
  "$DOCKER" buildx build --builder "$BUILDER" --platform linux/arm64 --provenance=false --sbom=false \
    --output "type=image,name=$2,push=true,oci-mediatypes=false" "$1" > "$3" 2>&1 \
    || { tail -20 "$3" >&2; die "building/pushing the arm64 image $2 failed (log: $3)"; }
}
make_list() {  # $1 = repo, $2 = tag, $3 = amd64 ref, $4 = arm64 ref, $5/$6 = their digests: the tag becomes amd64 + arm64 (no-op when it is)
  local current wanted
  current=$(manifest "$1" "$2" | jq -r '[.manifests[]?.digest] | sort | join(" ")')
  wanted=$(printf '%s\n' "$5" "$6" | sort | tr '\n' ' ' | sed 's/ $//')
  [ "$current" = "$wanted" ] && return 0
  # under the tests' build lock: a suite's two builds never see two different digests of the tag
  (
    flock -w 3600 8 || die "could not take the build lock $BUILD_LOCK"
    "$DOCKER" buildx imagetools create --builder "$BUILDER" -t "$REG/$1:$2" "$3" "$4" >/dev/null 2>"$WORK/imagetools.log" \
      || { cat "$WORK/imagetools.log" >&2; die "imagetools create of $1:$2 failed"; }
  ) 8>"$BUILD_LOCK"
  step "$1:$2 = amd64 $5 + arm64 $6"
}

for REL in $RELEASES; do
  NUM=${NUMBER[$REL]:-}; [ -n "$NUM" ] || die "unknown release '$REL' (bookworm or trixie)"
  # ---- 2. the arm64 rootfs -------------------------------------------------------------------
  ROOT=$WORK/debian-$REL
  if [ "${FORCE:-0}" = 1 ] || [ ! -x "$ROOT/bin/bash" ]; then
    rm -rf "$ROOT" "$ROOT.partial"
    t=$(date +%s)
    debootstrap --arch=arm64 --variant=minbase "$REL" "$ROOT.partial" "$MIRROR" > "$WORK/debootstrap-$REL.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap-$REL.log" >&2; die "debootstrap of arm64 $REL failed (log: $WORK/debootstrap-$REL.log)"; }
    cat > "$ROOT.partial/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
CFG
    mv "$ROOT.partial" "$ROOT"
    date +%s > "$WORK/debian-$REL.built"
    step "debootstrap arm64 $REL minbase: $(( $(date +%s) - t ))s"
  fi
  [ "$(chroot "$ROOT" uname -m)" = aarch64 ] || die "$ROOT does not run as aarch64"

  # ---- 3. arm64 image under a side tag, then the multi-platform tags ---------------------------
  SIDE=lab-arm64-$REL-slim
  STAMP=$WORK/debian-$REL.pushed   # "<rootfs build time> <pushed digest>"
  rootfs_id=$(cat "$WORK/debian-$REL.built" 2>/dev/null || echo unknown)
  arm64=$(digest_of library/debian "$SIDE")
  if [ -z "$arm64" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$rootfs_id $arm64" ]; then
    t=$(date +%s)
    CTX=$WORK/context-$REL; rm -rf "$CTX"; mkdir -p "$CTX"
    tree_to_tar "$ROOT" "$REL" "$CTX/rootfs.tar"
    # ADD of a local tar keeps owners and modes, as `docker import` of the amd64 stand-in does
    printf 'FROM scratch\nADD rootfs.tar /\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nCMD ["bash"]\n' > "$CTX/Dockerfile"
    push_arm64 "$CTX" "$REG/library/debian:$SIDE" "$WORK/push-$REL.log"
    rm -rf "$CTX"
    arm64=$(digest_of library/debian "$SIDE")
    echo "$rootfs_id $arm64" > "$STAMP"
    step "arm64 debian:$REL-slim pushed as $REG/library/debian:$SIDE ($arm64): $(( $(date +%s) - t ))s"
  fi
  [ "$(arch_of library/debian "$arm64")" = arm64 ] || die "$REG/library/debian:$SIDE is not an arm64 image"

  aliases="$REL-slim $NUM-slim"; [ "$REL" = trixie ] && aliases="$aliases stable-slim"
  for tag in $aliases; do
    amd64=$(amd64_of library/debian "$tag")
    [ -n "$amd64" ] || die "$REG/library/debian:$tag has no amd64 image: run scripts/docker-setup.sh (registry.sh pushes the stand-ins) first"
    make_list library/debian "$tag" "$REG/library/debian@$amd64" "$REG/library/debian@$arm64" "$amd64" "$arm64"
  done
  "$DOCKER" buildx imagetools inspect --builder "$BUILDER" "$REG/library/debian:$REL-slim" | grep -E 'Platform:' | sed 's/^ */  /'

  # ---- 4. the builder resolves amd64 by default, arm64 on request ------------------------------
  CHECK=$WORK/check-$REL; rm -rf "$CHECK"; mkdir -p "$CHECK/ctx"
  printf 'FROM debian:%s-slim AS probe\nRUN uname -m > /arch\nFROM scratch\nCOPY --from=probe /arch /arch\n' "$REL" > "$CHECK/ctx/Dockerfile"
  for pf in default linux/arm64; do
    args=(); [ "$pf" = default ] || args=(--platform "$pf")
    "$DOCKER" buildx build --builder "$BUILDER" "${args[@]}" --no-cache --output "type=local,dest=$CHECK/out" "$CHECK/ctx" > "$CHECK/build.log" 2>&1 \
      || { tail -20 "$CHECK/build.log" >&2; die "FROM debian:$REL-slim ($pf) does not build on builder $BUILDER"; }
    got=$(cat "$CHECK/out/arch")
    want=x86_64; [ "$pf" = default ] || want=aarch64
    [ "$got" = "$want" ] || die "FROM debian:$REL-slim ($pf) runs as $got, expected $want"
    step "FROM debian:$REL-slim on builder $BUILDER, platform $pf: uname -m = $got"
  done
  rm -rf "$CHECK"

  [ "${ARM64_RUST:-0}" = 1 ] || continue
  # ---- 5. arm64 Rust toolchain and cargo-chef images (own repositories) -------------------------
  VER=$("$DOCKER" image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "rust:1-slim-$REL" | sed -n 's/^RUST_VERSION=//p')
  [ -n "$VER" ] || die "no rust:1-slim-$REL stand-in in the engine: run scripts/docker-setup.sh first"
  RTAG=$VER-slim-$REL
  RAMD64=$(amd64_of library/rust "$RTAG")
  [ -n "$RAMD64" ] || die "$REG/library/rust:$RTAG has no amd64 image: run scripts/docker-setup.sh first"
  RROOT=$WORK/rust-slim-$REL
  if [ "${FORCE:-0}" = 1 ] || [ ! -x "$RROOT/usr/bin/gcc" ]; then
    t=$(date +%s)
    rm -rf "$RROOT" "$RROOT.partial"; cp -a "$ROOT" "$RROOT.partial"
    rm -f "$RROOT.partial"/etc/apt/sources.list.d/*; sources "$REL" > "$RROOT.partial/etc/apt/sources.list.d/debian.sources"
    mount --bind /proc "$RROOT.partial/proc"
    # the slim rust image's packages (as base-images.sh installs them), installed by apt under emulation
    if ! { chroot "$RROOT.partial" apt-get update -qq && chroot "$RROOT.partial" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -qq --no-install-recommends ca-certificates gcc libc6-dev wget; } > "$WORK/rust-apt-$REL.log" 2>&1; then
      umount "$RROOT.partial/proc"; tail -20 "$WORK/rust-apt-$REL.log" >&2; die "apt in the arm64 $REL rootfs failed"
    fi
    # this machine's local CA certificates (if any), as base-images.sh adds them: cargo reaches crates.io
    if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
      cp /usr/local/share/ca-certificates/*.crt "$RROOT.partial/usr/local/share/ca-certificates/"
      chroot "$RROOT.partial" update-ca-certificates >/dev/null 2>&1 || true
    fi
    umount "$RROOT.partial/proc"
    mv "$RROOT.partial" "$RROOT"
    step "arm64 $REL rootfs + gcc, libc6-dev, ca-certificates, wget (apt under emulation): $(( $(date +%s) - t ))s"
  fi
  # the toolchain: rustup's aarch64 build of the stand-in's release, minimal profile, in this script's own RUSTUP_HOME
  TRIPLE=aarch64-unknown-linux-gnu
  RUSTUP_BIN=${RUSTUP:-$(command -v rustup || echo "$HOME/.cargo/bin/rustup")}
  TCD=$WORK/rustup/toolchains/$VER-$TRIPLE
  if [ ! -x "$TCD/bin/rustc" ]; then
    t=$(date +%s)
    RUSTUP_HOME=$WORK/rustup "$RUSTUP_BIN" toolchain install "$VER-$TRIPLE" --profile minimal --force-non-host --no-self-update > "$WORK/rustup-$VER.log" 2>&1 \
      || { tail -20 "$WORK/rustup-$VER.log" >&2; die "rustup could not install $VER-$TRIPLE"; }
    step "rustup toolchain $VER-$TRIPLE (minimal): $(( $(date +%s) - t ))s"
  fi
  [ -s "$WORK/rustup-init-$TRIPLE" ] || curl -fsSL -o "$WORK/rustup-init-$TRIPLE" "https://static.rust-lang.org/rustup/dist/$TRIPLE/rustup-init" \
    || die "could not download rustup-init for $TRIPLE"
  RSIDE=lab-arm64/rust
  RSTAMP=$WORK/rust-$RTAG.pushed
  rarm64=$(digest_of "$RSIDE" "arm64-$RTAG")
  if [ -z "$rarm64" ] || [ "$(cat "$RSTAMP" 2>/dev/null)" != "$(cat "$WORK/debian-$REL.built") $rarm64" ]; then
    t=$(date +%s)
    CTX=$WORK/context-rust-$REL; rm -rf "$CTX"; mkdir -p "$CTX"
    tree_to_tar "$RROOT" "$REL" "$CTX/rootfs.tar"
    # as the official image: one toolchain named by full version, rustup's default, minimal profile
    mkdir -p "$CTX/usr/local/rustup/toolchains" "$CTX/usr/local/cargo/bin"
    cp -a "$TCD" "$CTX/usr/local/rustup/toolchains/$VER-$TRIPLE"
    rm -rf "$CTX/usr/local/rustup/toolchains/$VER-$TRIPLE/share/doc"
    printf 'version = "12"\ndefault_toolchain = "%s"\nprofile = "minimal"\n\n[overrides]\n' "$VER-$TRIPLE" > "$CTX/usr/local/rustup/settings.toml"
    install -m 0755 "$WORK/rustup-init-$TRIPLE" "$CTX/usr/local/cargo/bin/rustup"
    for p in cargo cargo-clippy cargo-fmt clippy-driver rustc rustdoc rustfmt; do ln -sf rustup "$CTX/usr/local/cargo/bin/$p"; done
    chmod -R a+w "$CTX/usr/local/rustup" "$CTX/usr/local/cargo"
    printf '%s\n' 'FROM scratch' 'ADD rootfs.tar /' 'COPY usr/ /usr/' \
      'ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      "ENV RUST_VERSION=$VER" 'CMD ["bash"]' > "$CTX/Dockerfile"
    push_arm64 "$CTX" "$REG/$RSIDE:arm64-$RTAG" "$WORK/push-rust-$REL.log"
    rm -rf "$CTX"
    rarm64=$(digest_of "$RSIDE" "arm64-$RTAG")
    echo "$(cat "$WORK/debian-$REL.built") $rarm64" > "$RSTAMP"
    step "arm64 rust:$RTAG pushed as $REG/$RSIDE:arm64-$RTAG: $(( $(date +%s) - t ))s"
  fi
  make_list "$RSIDE" "$RTAG" "$REG/library/rust@$RAMD64" "$REG/$RSIDE@$rarm64" "$RAMD64" "$rarm64"

  # cargo-chef: the version of the amd64 stand-in, cross-compiled for aarch64 on the lab builder, on the arm64 rust image
  CTAG=latest-rust-$RTAG
  CAMD64=$(amd64_of lukemathwalker/cargo-chef "$CTAG")
  [ -n "$CAMD64" ] || die "$REG/lukemathwalker/cargo-chef:$CTAG has no amd64 image: run scripts/docker-setup.sh first"
  CHEF_VERSION=$("$DOCKER" run --rm --network=none --entrypoint cargo-chef "lukemathwalker/cargo-chef:$CTAG" --version | awk '{print $2}')
  CSIDE=lab-arm64/cargo-chef
  carm64=$(digest_of "$CSIDE" "arm64-$CTAG")
  if [ -z "$carm64" ] || [ "$(cat "$WORK/chef-$CTAG.pushed" 2>/dev/null)" != "$rarm64 $CHEF_VERSION $carm64" ]; then
    t=$(date +%s)
    CTX=$WORK/context-chef-$REL; rm -rf "$CTX"; mkdir -p "$CTX"
    printf '%s\n' \
      "FROM --platform=\$BUILDPLATFORM $REG/library/rust:$RTAG AS build" \
      'RUN apt-get update && apt-get install -y --no-install-recommends gcc-aarch64-linux-gnu libc6-dev-arm64-cross && rm -rf /var/lib/apt/lists/*' \
      "RUN rustup target add $TRIPLE" \
      'ENV CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc' \
      "RUN cargo install cargo-chef --locked --version $CHEF_VERSION --target $TRIPLE --root /chef" \
      "FROM $REG/$RSIDE:$RTAG" \
      'COPY --from=build /chef/bin/cargo-chef /usr/local/cargo/bin/cargo-chef' > "$CTX/Dockerfile"
    push_arm64 "$CTX" "$REG/$CSIDE:arm64-$CTAG" "$WORK/push-chef-$REL.log"
    rm -rf "$CTX"
    carm64=$(digest_of "$CSIDE" "arm64-$CTAG")
    echo "$rarm64 $CHEF_VERSION $carm64" > "$WORK/chef-$CTAG.pushed"
    step "arm64 cargo-chef $CHEF_VERSION on rust:$RTAG pushed as $REG/$CSIDE:arm64-$CTAG: $(( $(date +%s) - t ))s"
  fi
  make_list "$CSIDE" "$CTAG" "$REG/lukemathwalker/cargo-chef@$CAMD64" "$REG/$CSIDE@$carm64" "$CAMD64" "$carm64"
  out=$("$DOCKER" buildx build --builder "$BUILDER" --platform linux/arm64 --no-cache --progress=plain \
    - <<< "$(printf 'FROM %s\nRUN uname -m && cargo --version && cargo chef --version\n' "$REG/$CSIDE:$CTAG")" 2>&1) \
    || { echo "$out" | tail -20 >&2; die "the arm64 cargo-chef image does not run"; }
  step "arm64 $REG/$CSIDE:$CTAG: $(echo "$out" | grep -Eo 'aarch64$|cargo [0-9.]+|cargo-chef[a-z-]* [0-9.]+' | tr '\n' ' ')"
done
step "done"
