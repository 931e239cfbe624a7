import { CargoWorkspaceFacts } from '../cargo/cargo-facts';
import { RustDockerError, showValue } from '../errors';
import { DockerfileSettings } from '../settings';

/**
 * Which Rust toolchain the build stages use. Official rust images install one toolchain, named by
 * its full version (`1.95.0-x86_64-unknown-linux-gnu`); a rust-toolchain.toml naming `1.95` or
 * `stable` would make rustup download another one in every stage. `RUSTUP_TOOLCHAIN` overrides the
 * file, so the image's own toolchain is used, or the pinned one, installed once in a cached layer.
 */
export interface RustToolchainPlan {
  /** Value of `ENV RUSTUP_TOOLCHAIN` in the first build stage (`${RUST_VERSION}` = the image's own); undefined: none. */
  readonly rustupToolchain?: string;
  /** A channel the image lacks, installed with rustup's minimal profile before any cargo command. */
  readonly install?: string;
}

const RUST_VERSION = /^\d+(\.\d+){0,2}$/;

/** The Rust version of the builder images and where it came from (for the summary). */
export function resolveRustVersion(options: DockerfileSettings, ws: CargoWorkspaceFacts): { rustVersion: string; rustVersionSource: string } {
  if (options.rustVersion !== undefined) {
    const v = options.rustVersion;
    if (v === 'stable') return { rustVersion: '1', rustVersionSource: 'option rustVersion ("stable")' };
    if (!RUST_VERSION.test(v)) {
      throw RustDockerError.forOption('rustVersion', `${showValue(v)} is not a Rust version`,
        'Use a version such as "1.95" or "1.95.0" (or "stable"); for nightly, pin the channel in rust-toolchain.toml and set "rustImage"', { value: v });
    }
    return { rustVersion: v, rustVersionSource: 'option rustVersion' };
  }
  if (ws.toolchainChannel !== undefined) {
    const channel = ws.toolchainChannel;
    if (RUST_VERSION.test(channel)) return { rustVersion: channel, rustVersionSource: `${ws.toolchainFile} channel` };
    return {
      rustVersion: '1',
      rustVersionSource: `${ws.toolchainFile} channel "${channel}" is not a version: rust:1 image, rustup installs "${channel}" at build time`,
    };
  }
  if (ws.rustVersion !== undefined && RUST_VERSION.test(ws.rustVersion)) {
    return { rustVersion: ws.rustVersion, rustVersionSource: 'rust-version of Cargo.toml' };
  }
  return { rustVersion: '1', rustVersionSource: 'the default (no rust-toolchain.toml channel or rust-version)' };
}

/** The Rust version an official rust or cargo-chef image reference names ("1" for latest/stable tags), if any. */
export function officialRustVersion(image: string): string | undefined {
  const ref = image.split('@')[0];
  const tag = /^(?:(?:docker\.io\/)?library\/)?rust:(.+)$/.exec(ref)?.[1]
    ?? /^(?:docker\.io\/)?lukemathwalker\/cargo-chef:[^-]+-rust-(.+)$/.exec(ref)?.[1];
  if (tag === undefined) return undefined;
  const version = /^(\d+(?:\.\d+){0,2})(?:-|$)/.exec(tag)?.[1];
  if (version !== undefined) return version;
  return /^(latest|slim|bookworm|trixie)(-|$)/.test(tag) ? '1' : undefined;
}

/**
 * The toolchain of the build stages. Without a toolchain file, the image's own. With one, its
 * channel (or the `rustVersion` option, which wins) is either what the image already has — then
 * `RUSTUP_TOOLCHAIN=${RUST_VERSION}` (set by the official images) points rustup at it and nothing is
 * downloaded — or it is installed once, in a cached layer, and `RUSTUP_TOOLCHAIN` names it. Either
 * way the file's components (clippy, rustfmt) and extra targets are not fetched: a build needs neither.
 */
export function resolveToolchain(options: DockerfileSettings, ws: CargoWorkspaceFacts, rustVersion: string): RustToolchainPlan {
  if (ws.toolchainFile === undefined) return {};
  const userImage = options.chefImage ?? options.rustImage;
  const imageVersion = userImage === undefined ? rustVersion : officialRustVersion(userImage);
  const stableAsOne = (v: string) => (v === 'stable' ? '1' : v);
  const wanted = stableAsOne(options.rustVersion ?? ws.toolchainChannel ?? rustVersion);
  if (imageVersion !== undefined && stableAsOne(imageVersion) === wanted) return { rustupToolchain: '${RUST_VERSION}' };
  const channel = wanted === '1' ? 'stable' : wanted;
  return { rustupToolchain: channel, install: channel };
}
