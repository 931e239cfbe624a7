/** How `.dockerignore` is written. */
export enum DockerIgnoreMode {
  /**
   * `*` then `!` entries for exactly what the build needs (manifests, `Cargo.lock`, cargo config, vendored
   * sources, each member's `src/`, build script and target folders, and the files its compilation reads
   * elsewhere: `include_str!`/`include_bytes!` paths, crate-doc READMEs, migrations, build-script inputs,
   * templates): unrelated edits never bust the cache. What the scan cannot resolve (a path built at run
   * time) is a warning at synth naming the file and line; add such paths with `dockerignoreAllow`.
   */
  ALLOW_LIST = 'allow-list',
  /**
   * Only what a cargo build never reads is excluded (`.git`, `.github`, `.projen`, `node_modules`, `target`,
   * `**` `/target`, the Dockerfile, `.dockerignore`); everything else is sent (Markdown too: it may be `include_str!`'d).
   */
  DENY_LIST = 'deny-list',
}

/** Settings of the generated `.dockerignore` (part of `RustDockerSettings`). */
export interface DockerIgnoreSettings {
  /**
   * Generate `.dockerignore`.
   * @default true
   */
  readonly dockerignore?: boolean;

  /**
   * Allow-list or deny-list.
   * @default DockerIgnoreMode.ALLOW_LIST
   */
  readonly dockerignoreMode?: DockerIgnoreMode;

  /**
   * Extra paths sent to the build (allow-list entries).
   * @default - none
   */
  readonly dockerignoreAllow?: string[];

  /**
   * Extra patterns kept out of the build context.
   * @default - none
   */
  readonly dockerignoreDeny?: string[];
}
