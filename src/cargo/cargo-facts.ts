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
 * A compile-time input found in a package that cannot be resolved to a file of
 * the workspace statically: a path that is not a literal, comes from an
 * environment variable (other than `CARGO_MANIFEST_DIR`), is built at run time
 * by the build script, leaves the workspace root, or names a missing file; or a
 * `package.include` glob.
 */
export interface CargoUnresolvedInput {
  /**
   * File where the input was found, relative to the workspace root, posix separators
   * (a Rust source, the build script, or the package's Cargo.toml).
   */
  readonly file: string;
  /**
   * 1-based line number in `file`.
   */
  readonly line: number;
  /**
   * The trimmed source line (at most 120 characters, longer lines end with "…").
   */
  readonly text: string;
  /**
   * Why the input cannot be resolved, e.g. `path built at run time`.
   */
  readonly reason: string;
}

/**
 * A `path` dependency whose folder is outside the workspace root (so outside a
 * Docker build context rooted there). Cargo loads it (dev-dependencies included)
 * before it builds anything.
 */
export interface CargoExternalPathDependency {
  /**
   * Name of the package that declares the dependency: a workspace member, a
   * package outside the workspace reached through another external path
   * dependency, or `[patch.<source>]` / `[replace]` for the root manifest's patch tables.
   */
  readonly package: string;
  /**
   * The dependency's key in the dependency table.
   */
  readonly dependency: string;
  /**
   * The `path` as written (in `[workspace.dependencies]` for `{ workspace = true }`).
   */
  readonly path: string;
  /**
   * Absolute path of the dependency's folder.
   */
  readonly resolved: string;
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
  /**
   * Files and folders outside the package's `src/` that compiling the package
   * reads, relative to the workspace root, posix separators, sorted, each one
   * existing: `include_str!`/`include_bytes!`/`include!` targets (e.g. the
   * README of `#![doc = include_str!("../README.md")]`), `#[path]` modules,
   * sqlx and diesel migrations and `.sqlx/`, askama templates, rust-embed and
   * `include_dir!` folders, the paths the build script names (protos, C
   * sources, `rerun-if-changed`), modules of targets outside `src/`, literal
   * `package.include` entries. Found by reading the sources (cargo is never
   * run), including code only compiled for tests. Never lists the package's
   * manifest, build script, target files, the root Cargo.toml or Cargo.lock.
   */
  readonly compileInputs: string[];
  /**
   * Compile-time inputs found but not resolvable statically (see
   * {@link CargoUnresolvedInput}), in file and line order.
   */
  readonly unresolvedInputs: CargoUnresolvedInput[];
  /**
   * What the compilation needs that the repository does not hold, so an image build fails: sqlx's
   * query macros without offline data (`.sqlx/`), which then check their SQL against a database
   * (`DATABASE_URL`) at compile time. `reason` says what to commit.
   */
  readonly missingBuildData: CargoUnresolvedInput[];
  /**
   * Folders of the package's `path` dependencies inside the workspace root (all dependency tables,
   * `{ workspace = true }` followed), relative to the root, posix separators, sorted; those outside
   * the root are in `externalPathDependencies`.
   *
   * @default - none known (hand-made facts)
   */
  readonly pathDependencies?: string[];
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
   * Members whose name Cargo.lock also holds from another source (a registry or git crate of the same
   * name): cargo then writes versioned references (`"console 0.1.0"`) to them. Sorted; empty without a lock.
   */
  readonly lockNameClashes: string[];
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
  /**
   * Paths of the git submodules listed in `.gitmodules`, relative to the
   * workspace root, posix separators, sorted. Read from the workspace root and
   * each parent folder up to the git root (the first folder holding `.git`);
   * a submodule of a parent repository outside the workspace starts with "../".
   */
  readonly submodules: string[];
  /**
   * `path` dependencies whose folder is outside the workspace root: those of
   * every member (all dependency tables, `{ workspace = true }` followed into
   * `[workspace.dependencies]`), of the root's `[patch.*]` and `[replace]`
   * tables, and, transitively, of the external packages themselves. Sorted by
   * package, then dependency.
   */
  readonly externalPathDependencies: CargoExternalPathDependency[];
}
