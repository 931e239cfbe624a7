import { DebianRelease } from '../settings';

/**
 * Facts about the Debian releases the generated images are built on. The builder and the runtime
 * share one release, so the binary never needs a newer glibc than the runtime has.
 */
export interface DebianReleaseFacts {
  /** Code name (`trixie`), also the suffix of the rust and cargo-chef tags. */
  readonly codename: string;
  /** Version number (`13`): the suffix of the distroless images (`-debian13`). */
  readonly number: number;
  /** glibc version of the release. */
  readonly glibc: string;
}

/** The releases, by `DebianRelease` value. */
export const DEBIAN_RELEASES: { [release: string]: DebianReleaseFacts } = {
  [DebianRelease.BOOKWORM]: { codename: 'bookworm', number: 12, glibc: '2.36' },
  [DebianRelease.TRIXIE]: { codename: 'trixie', number: 13, glibc: '2.41' },
};

/** The distribution release an image reference names, if any, and its glibc. */
export interface ImageRelease {
  /** Release name for messages (`Debian trixie`, `Ubuntu 24.04`); undefined when the reference does not say. */
  readonly name?: string;
  /** glibc version of that release. */
  readonly glibc?: string;
  /** Why it is unknown (for error messages). */
  readonly unknownBecause?: string;
}

/** Ubuntu releases (runtime images users pick by hand), by version and code name. */
const UBUNTU_RELEASES = [
  { version: '22.04', codename: 'jammy', glibc: '2.35' },
  { version: '24.04', codename: 'noble', glibc: '2.39' },
];

/**
 * Reads the distribution release from an image reference's tag or name, as Docker Hub and gcr.io name
 * them: `rust:1.95-slim-trixie`, `debian:bookworm-slim`, `debian:12-slim`, `gcr.io/distroless/cc-debian13`,
 * `…/cargo-chef:latest-rust-1.95-slim-bookworm`, `ubuntu:24.04`. Un-suffixed tags (`rust:1.95`, `rust:1`,
 * `debian:stable-slim`, `ubuntu:latest`) move between releases over time, so they count as unknown, except the
 * distroless aliases (`gcr.io/distroless/cc` = debian12, as distroless documents).
 */
export function imageRelease(image: string): ImageRelease {
  const ref = image.split('@')[0].toLowerCase();
  for (const facts of Object.values(DEBIAN_RELEASES)) {
    const words = new RegExp(`(^|[^a-z0-9])(${facts.codename}|debian${facts.number})([^a-z0-9]|$)`);
    const debianNumber = new RegExp(`(^|/)debian:${facts.number}([^0-9]|$)`);
    if (words.test(ref) || debianNumber.test(ref)) return { name: `Debian ${facts.codename}`, glibc: facts.glibc };
  }
  if (/(^|\/)distroless\/(cc|static|base)(:|$)/.test(ref)) return { name: 'Debian bookworm', glibc: DEBIAN_RELEASES[DebianRelease.BOOKWORM].glibc };
  for (const u of UBUNTU_RELEASES) {
    if (new RegExp(`(^|/)ubuntu:(${u.version.replace('.', '\\.')}|${u.codename})([^0-9a-z]|$)`).test(ref)) return { name: `Ubuntu ${u.version}`, glibc: u.glibc };
  }
  return { unknownBecause: 'its reference names no release whose glibc is known (Debian bookworm/trixie, debian12/debian13, Ubuntu 22.04/24.04)' };
}

/**
 * Runtime packages renamed between bookworm and trixie (the 64-bit time_t transition and library
 * bumps): the same library under each release's name, so a list written for one release works on both.
 */
const RENAMED_PACKAGES: Array<{ [release: string]: string }> = [
  { bookworm: 'libssl3', trixie: 'libssl3t64' },
  { bookworm: 'libcurl4', trixie: 'libcurl4t64' },
  { bookworm: 'libcurl3-gnutls', trixie: 'libcurl3t64-gnutls' },
  { bookworm: 'libgnutls30', trixie: 'libgnutls30t64' },
  { bookworm: 'libglib2.0-0', trixie: 'libglib2.0-0t64' },
  { bookworm: 'libicu72', trixie: 'libicu76' },
  { bookworm: 'libldap-2.5-0', trixie: 'libldap2' },
];

/** A runtime package under the name `release` uses, and whether it was renamed. */
export function packageForRelease(name: string, release: DebianRelease): string {
  const [bare, version] = name.split('=');
  const codename = DEBIAN_RELEASES[release].codename;
  const entry = RENAMED_PACKAGES.find(e => Object.values(e).includes(bare));
  if (!entry || entry[codename] === bare) return name;
  // a pinned version belongs to the other release's package: keep the pin visible rather than guess
  return version === undefined ? entry[codename] : name;
}

/** Compares dotted versions numerically (`2.36` < `2.41`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
