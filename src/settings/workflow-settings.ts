/** How a multi-platform image is built. */
export enum MultiArchStrategy {
  /** One job per platform on a native runner (`ubuntu-24.04` / `ubuntu-24.04-arm`), pushed by digest, then merged. */
  NATIVE_RUNNERS = 'native-runners',
  /** One job, every platform emulated with QEMU (slow for compilation). */
  QEMU = 'qemu',
  /** One job that cross-compiles on the runner's platform with the Dockerfile's cross-compilation. */
  CROSS_COMPILE = 'cross-compile',
}

/** Where BuildKit's layer cache is stored between workflow runs. */
export enum CacheBackend {
  /** GitHub Actions cache (`type=gha`), scoped per image and platform. 10 GB per repository. */
  GHA = 'gha',
  /** A `buildcache` tag in the image's registry (`type=registry`), for repos past the Actions cache size. */
  REGISTRY = 'registry',
  /** No layer cache. */
  NONE = 'none',
}

/** What pull-request builds do with the layer cache that pushes to the branches write. */
export enum PullRequestCache {
  /** Read the branches' cache, write nothing: a pull request can never seed layers a push or a release builds from. */
  READ_ONLY = 'read-only',
  /**
   * Also keep a cache of its own: read `<scope>-pr-<number>` first, then the branches' cache, and
   * write only `<scope>-pr-<number>` (GHA only; GitHub keeps a pull request's entries to its own ref).
   */
  OWN_SCOPE = 'own-scope',
}

/** The lowest severity of a vulnerability that fails the `vulnerabilityGate` (grype's severity names). */
export enum VulnerabilitySeverity {
  /** Fail on any vulnerability with a fix, even negligible ones. */
  NEGLIGIBLE = 'negligible',
  /** Fail on low, medium, high and critical. */
  LOW = 'low',
  /** Fail on medium, high and critical. */
  MEDIUM = 'medium',
  /** Fail on high and critical. */
  HIGH = 'high',
  /** Fail on critical only. */
  CRITICAL = 'critical',
}

/** How `uses:` references to actions are pinned. */
export enum ActionPinning {
  /**
   * `actions/checkout@v7`: major-version tags. A tag can be moved to other code by whoever controls
   * the action's repository; zizmor reports every such `uses:` (`unpinned-uses`, high).
   */
  MAJOR_VERSION = 'major-version',
  /**
   * `actions/checkout@<40-hex sha> # v7.0.1`: full commit SHAs (from the library's table, overridable);
   * the generated Dependabot config reports newer releases.
   */
  COMMIT_SHA = 'commit-sha',
}

/**
 * An HTTP probe run against the container during the end-to-end test: the container runs detached
 * with host networking (`--network=host`, which GitHub's Linux runners support; publishing with
 * `-p` needs a bridge network, which some engines lack) and `curl` polls
 * `http://127.0.0.1:<port><path>` until it answers with a 2xx status. It fails, printing the
 * container's logs, when the container exits first or nothing answers within `timeoutSeconds`; the
 * container is always removed. Locally on Docker Desktop, host networking must be enabled
 * (Settings → Resources → Network).
 */
export interface HttpProbe {
  /** Port the service listens on; with host networking it is the same port on the host's 127.0.0.1, so it must be free there. */
  readonly port: number;
  /**
   * Path requested.
   * @default "/"
   */
  readonly path?: string;
  /**
   * Seconds to wait for a successful answer before failing.
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * Arguments passed to the container (after the image).
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * Environment variables for the container.
   * @default - none
   */
  readonly env?: { [name: string]: string };
}

/**
 * The compose E2E across every image of a repository that ships several (`composeE2e`): the
 * workflow's `e2e-compose` job builds and loads every image, then runs
 * `docker compose -f <file> up --abort-on-container-exit --exit-code-from <service>` with
 * `IMAGE_<NAME>` set per image, and `docker compose down` after.
 */
export interface ComposeE2eSettings {
  /**
   * The compose file, relative to the project root (a literal path inside the project). Its
   * services use the images through `${IMAGE_<NAME>}`.
   */
  readonly file: string;
  /**
   * The compose service whose exit code decides the test (`--exit-code-from`): letters, digits,
   * `_`, `.` and `-`, starting with a letter or digit.
   */
  readonly service: string;
}

/** End-to-end tests run against the freshly built image, before anything is pushed. The same in CI and in the `docker:e2e` task. */
export interface E2eSettings {
  /**
   * Run the smoke test: the image starts detached, without network (`--network=none`), with
   * `smokeArgs`; it passes when the container exits with 0 (a command such as `--version`) or is
   * still running after `smokeSeconds` (a server), and fails when it exits with another code (a
   * crash at start, e.g. a missing shared library), printing its logs and exit code. The container
   * is always removed; it never waits longer than `smokeSeconds`.
   * @default true
   */
  readonly smokeTest?: boolean;
  /**
   * Arguments of the smoke run, passed to the container after the image (e.g. `["--version"]`).
   * @default [] (the image's CMD)
   */
  readonly smokeArgs?: string[];
  /**
   * Seconds a still-running smoke-test container must survive to pass (whole seconds, 1 to 600).
   * @default 10
   */
  readonly smokeSeconds?: number;
  /**
   * Extra shell commands, each its own step after the image is built; `$IMAGE` is the image under test (no `${{ }}` expressions).
   * @default - none
   */
  readonly commands?: string[];
  /**
   * Start the container detached with host networking and poll an HTTP endpoint on 127.0.0.1 (see `HttpProbe`).
   * @default - no HTTP probe
   */
  readonly httpProbe?: HttpProbe;
  /**
   * A docker compose file run with `IMAGE` set; its exit code (`--exit-code-from composeService`) decides.
   * @default - no compose test
   */
  readonly composeFile?: string;
  /**
   * Compose service whose exit code decides the compose test.
   * @default - required with `composeFile`
   */
  readonly composeService?: string;
  /**
   * Minutes each E2E step may run in CI before it is cancelled: the outer limit (the smoke test and
   * the HTTP probe have their own deadlines; a command from `commands` may not).
   * @default 10 (more for a smoke test or HTTP probe whose own deadline is longer)
   */
  readonly timeoutMinutes?: number;
}

/** Settings of the GitHub image workflow and its E2E tests (part of `RustDockerSettings`). */
export interface WorkflowSettings {
  /**
   * Generate the image workflow.
   * @default true
   */
  readonly workflow?: boolean;

  /**
   * Workflow file name, without `.yml` (`.github/workflows/<name>.yml`).
   * @default "docker"
   */
  readonly workflowName?: string;

  /**
   * Image repository without tag, e.g. `ghcr.io/acme/api`. GitHub expressions are not allowed.
   * @default - `ghcr.io/<owner>/<repo>` from the workflow's `github.repository`, lower-cased
   * @featured
   */
  readonly imageName?: string;

  /**
   * Registry to log in to. Derived from `imageName` when it names one.
   * @default "ghcr.io"
   */
  readonly registry?: string;

  /**
   * Secret holding the registry user name; required to push to a registry other than ghcr.io.
   * @default - `github.actor` for ghcr.io
   */
  readonly registryUsernameSecret?: string;

  /**
   * Secret holding the registry password/token; required to push to a registry other than ghcr.io.
   * @default - `GITHUB_TOKEN` for ghcr.io
   */
  readonly registryPasswordSecret?: string;

  /**
   * Target platforms: `linux/amd64` and/or `linux/arm64` (the two with GitHub-hosted runners and a Rust target mapping).
   * @default ["linux/amd64"]
   * @featured
   */
  readonly platforms?: string[];

  /**
   * How more than one platform is built.
   * @default MultiArchStrategy.NATIVE_RUNNERS
   */
  readonly multiArchStrategy?: MultiArchStrategy;

  /**
   * Layer cache backend.
   * @default CacheBackend.GHA
   */
  readonly cacheBackend?: CacheBackend;

  /**
   * Persist BuildKit cache mounts across runs (buildkit-cache-dance) for the CACHE_MOUNTS strategy.
   * Pushes to the branches and the scheduled rebuild save them; pull requests and tags only restore.
   * @default false
   */
  readonly persistCacheMounts?: boolean;

  /**
   * What pull-request builds do with the layer cache: read the branches' cache and write nothing
   * (READ_ONLY), or also keep a per-PR cache scope (OWN_SCOPE, GHA only). Pushes to the branches
   * and the scheduled rebuild read and write the branches' cache; tag builds only read it.
   * @default PullRequestCache.READ_ONLY
   */
  readonly pullRequestCache?: PullRequestCache;

  /**
   * Rebuild and push the default branch on a schedule (`rebuildCron`), so fixes in the base images
   * and the runtime packages ship without a code change. The runtime stages are rebuilt without the
   * layer cache; the image gets the tags a push to the branch gets. Needs `push` and `branches`.
   * @default true (false when `push` is false or `branches` is empty)
   */
  readonly scheduledRebuild?: boolean;

  /**
   * When the scheduled rebuild runs: a cron expression of five fields (UTC), e.g. `"17 4 * * 1"`.
   * @default "17 4 * * 1" (Mondays, 04:17 UTC)
   */
  readonly rebuildCron?: string;

  /**
   * Branches whose pushes build and push the image.
   * @default ["main"]
   */
  readonly branches?: string[];

  /**
   * Build and push on `v*` version tags (semver image tags).
   * @default true
   */
  readonly versionTags?: boolean;

  /**
   * Build and test (never push) on pull requests.
   * @default true
   */
  readonly pullRequests?: boolean;

  /**
   * Push the image at all (false: build and test only).
   * @default true
   */
  readonly push?: boolean;

  /**
   * Attach BuildKit provenance to the pushed image: `mode=max` when the repository is public,
   * `mode=min` otherwise (max also records the Dockerfile, the build steps and the build args).
   * @default true
   */
  readonly provenance?: boolean;

  /**
   * Attach an SBOM to the pushed image.
   * @default false
   */
  readonly sbom?: boolean;

  /**
   * Add `actions/attest-build-provenance` for the pushed digest. GitHub stores attestations of
   * public repositories on every plan, of private and internal ones on GitHub Enterprise Cloud only:
   * a preflight step before the push skips the attestation with a notice on a repository that is
   * not public, unless `attestPrivateRepos` is set.
   * @default false
   */
  readonly attestProvenance?: boolean;

  /**
   * The repository's plan stores artifact attestations of private and internal repositories
   * (GitHub Enterprise Cloud): attest there too instead of skipping with a notice.
   * @default false
   */
  readonly attestPrivateRepos?: boolean;

  /**
   * Attest an SBOM of the crates of `Cargo.lock` (CycloneDX JSON, written by syft through
   * `anchore/sbom-action`) for the pushed digest with `actions/attest`, pushed to the registry beside the
   * image; on pushes only (never on pull requests). Needs `push` and a committed `Cargo.lock`.
   * @default - the value of `attestProvenance` (when a Cargo.lock exists)
   */
  readonly attestSbom?: boolean;

  /**
   * A vulnerability gate: grype (`anchore/scan-action`) scans every loaded image after its E2E steps,
   * before anything is pushed (on pull requests too), and fails the job on a vulnerability of this
   * severity or higher that has a fix (`only-fixed`: an unfixed one cannot be acted on). It sees the
   * runtime image's OS packages and, with `auditable`, the crates in the binaries. A `.grype.yaml` at the
   * repository root is read (ignore rules).
   * @default - no gate
   */
  readonly vulnerabilityGate?: VulnerabilitySeverity;

  /**
   * Sign the pushed digest with cosign keyless signing.
   * @default false
   */
  readonly sign?: boolean;

  /**
   * How actions are pinned: full commit SHAs (immutable), or major-version tags (movable; zizmor's
   * `unpinned-uses` finding).
   * @default ActionPinning.COMMIT_SHA
   */
  readonly actionPinning?: ActionPinning;

  /**
   * Overrides of the action reference table: `owner/action` → version or commit SHA.
   * @default - the library's table
   */
  readonly actionVersions?: { [action: string]: string };

  /**
   * Generate `.github/dependabot.yml` (projen-managed): weekly updates of the GitHub Actions, the
   * Dockerfile's base images and the Cargo dependencies, each after a 7-day cooldown. Set to false
   * to keep your own file there (the unmanaged-file guard never overwrites it).
   * @default true
   */
  readonly dependabot?: boolean;

  /**
   * Add a `drift` job to the image workflow: install (needs the committed lock file), `npx projen`, then `git diff --exit-code`.
   * @default true
   */
  readonly driftCheck?: boolean;

  /**
   * Runner for linux/amd64 jobs.
   * @default "ubuntu-24.04"
   */
  readonly amd64Runner?: string;

  /**
   * Runner for linux/arm64 jobs with NATIVE_RUNNERS.
   * @default "ubuntu-24.04-arm"
   */
  readonly arm64Runner?: string;

  /**
   * End-to-end tests run on the loaded image before push.
   * @default - the smoke test only
   */
  readonly e2e?: E2eSettings;

  /**
   * With several images (`images`): one compose-based E2E that brings up every image of the
   * repository together (e.g. api + worker + a dependency service), run by the workflow's
   * `e2e-compose` job before any image job (so nothing is pushed unless it passes). The compose file
   * gets each image's locally loaded tag in `IMAGE_<NAME>` (the image name upper-cased, other
   * characters than letters and digits as `_`: `IMAGE_API`, `IMAGE_MY_WORKER`). With one image, use
   * `e2e.composeFile` instead.
   * @default - no compose E2E across images
   */
  readonly composeE2e?: ComposeE2eSettings;
}
