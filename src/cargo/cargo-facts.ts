// What the Cargo inference finds: plain data, read by the plan.

/**
 * One binary target cargo would build.
 */
export interface CargoBinaryTarget {
  /**
   * Binary name: the `[[bin]] name`, or the autodiscovered name (the package
   * name for `src/main.rs`, the file or folder name under `src/bin/`).
   */
  readonly name: string;
  /**
   * Name of the package that owns the binary (for `cargo build -p <package>`).
   */
  readonly packageName: string;
  /**
   * Source path of the binary's crate root, relative to the workspace root,
   * with posix separators, e.g. "crates/api/src/main.rs".
   */
  readonly path: string;
  /**
   * The `required-features` of the `[[bin]]` section (empty when none).
   */
  readonly requiredFeatures: string[];
}

/**
 * A cargo target other than a binary whose source file must exist for cargo
 * to load the manifest: the library, and explicitly declared
 * `[[example]]`, `[[test]]` and `[[bench]]` targets.
 */
export interface CargoTargetFile {
  /**
   * Target kind: "lib", "example", "test" or "bench".
   */
  readonly kind: string;
  /**
   * Target name (for a library: `lib.name`, or the package name with "-" replaced by "_").
   */
  readonly name: string;
  /**
   * Source path relative to the workspace root, posix separators.
   */
  readonly path: string;
  /**
   * Whether the target is declared in the manifest (`[lib]`, `[[example]]`, ...)
   * rather than autodiscovered.
   */
  readonly explicit: boolean;
}

/**
 * What cargo knows about one package of the workspace.
 */
export interface CargoPackageFacts {
  /**
   * Package name (`package.name`).
   */
  readonly name: string;
  /**
   * Package version, following `version.workspace = true`; undefined when not set
   * (cargo then uses "0.0.0").
   */
  readonly version?: string;
  /**
   * Package directory relative to the workspace root, posix separators, "." for the root package.
   */
  readonly dir: string;
  /**
   * Manifest path relative to the workspace root, e.g. "crates/api/Cargo.toml" or "Cargo.toml".
   */
  readonly manifestPath: string;
  /**
   * Binary targets of the package, sorted by name.
   */
  readonly binaries: CargoBinaryTarget[];
  /**
   * The library target, when the package has one.
   */
  readonly lib?: CargoTargetFile;
  /**
   * Explicitly declared `[[example]]`, `[[test]]` and `[[bench]]` targets
   * (their files must exist for cargo to load the manifest). Autodiscovered
   * ones are not listed.
   */
  readonly otherTargets: CargoTargetFile[];
  /**
   * Build script path relative to the workspace root: `build.rs` when it exists,
   * or `package.build`; undefined when there is none or `build = false`.
   */
  readonly buildScript?: string;
  /**
   * `package.rust-version`, following workspace inheritance.
   */
  readonly rustVersion?: string;
  /**
   * `package.edition`, following workspace inheritance; undefined when not set
   * (cargo then uses "2015").
   */
  readonly edition?: string;
  /**
   * `package.default-run`.
   */
  readonly defaultRun?: string;
  /**
   * Feature names accepted by `--features`: the keys of `[features]` plus the
   * implicit features of optional dependencies (unless referenced as `dep:<name>`), sorted.
   */
  readonly features: string[];
}

/**
 * Everything inferred from a Cargo workspace (or a single package).
 */
export interface CargoWorkspaceFacts {
  /**
   * Absolute path of the workspace root (the folder of the root Cargo.toml).
   */
  readonly rootDir: string;
  /**
   * Whether the root manifest has a `[workspace]` table.
   */
  readonly isWorkspace: boolean;
  /**
   * Name of the root manifest's `[package]`, if any (undefined for a virtual manifest).
   */
  readonly rootPackage?: string;
  /**
   * All workspace members (including the root package and path dependencies
   * inside the workspace folder), sorted by `dir` ("." first).
   */
  readonly packages: CargoPackageFacts[];
  /**
   * Package names listed (directly or by glob) in `workspace.default-members`;
   * empty when not given.
   */
  readonly defaultMembers: string[];
  /**
   * All binaries of all members, in package order.
   */
  readonly binaries: CargoBinaryTarget[];
  /**
   * "Cargo.lock" when the workspace root has a lock file.
   */
  readonly lockFile?: string;
  /**
   * "rust-toolchain.toml" or "rust-toolchain" when present in the workspace root
   * (when both exist, rustup uses "rust-toolchain").
   */
  readonly toolchainFile?: string;
  /**
   * The toolchain channel pinned by the toolchain file (`[toolchain] channel`,
   * or the single line of a legacy `rust-toolchain` file).
   */
  readonly toolchainChannel?: string;
  /**
   * `toolchain.targets` of the toolchain file (empty when none).
   */
  readonly toolchainTargets: string[];
  /**
   * `toolchain.components` of the toolchain file (empty when none).
   */
  readonly toolchainComponents: string[];
  /**
   * Minimum supported Rust version: the root package's `rust-version`, else
   * `workspace.package.rust-version`, else the highest `rust-version` of the members.
   */
  readonly rustVersion?: string;
  /**
   * ".cargo/config.toml" or the legacy ".cargo/config" when present in the
   * workspace root (when both exist, cargo uses ".cargo/config").
   */
  readonly cargoConfigFile?: string;
  /**
   * Existing directories (relative to the root) named by `[source.<name>] directory = "..."`
   * in the cargo config, i.e. vendored sources. Sorted.
   */
  readonly vendorDirs: string[];
  /**
   * Build script paths of all members (relative to the root), in package order.
   */
  readonly buildScripts: string[];
}
