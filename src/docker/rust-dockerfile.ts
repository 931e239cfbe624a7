import { IConstruct } from 'constructs';
import { Component } from 'projen';
import {
  auditableStage, buildPlatform, cargoBuild, cargoFlags, chefStage, copyAuditable, copyCargoConfig, copyOut, finalCargoBuild,
  installBuildPackages, registryMounts, secretMounts, setupTarget, skeletonBuilderStage, useToolchain,
} from './build-steps';
import { Dockerfile } from './dockerfile';
import { OUT_DIR, STAGE } from './dockerfile-layout';
import { DockerStage, RunMount } from './dockerfile-stage';
import { multiImageStages } from './multi-image-stages';
import { runtimeStages } from './runtime-stages';
import { touchSources } from './skeleton-rewrite';
import { skeletonStages } from './skeleton-stages';
import { BuildPlan } from '../plan/build-plan';
import { BUILD_DIR, DEPS_TARGET_CACHE } from '../plan/builder-plan';
import { ImagePlan } from '../plan/image-plan';
import { DependencyCaching } from '../settings';

/**
 * The Dockerfile of a Rust service, rendered from the resolved build plan into the typed
 * `Dockerfile` model (`file`), whose stages are exposed as escape hatches.
 *
 * Stages by `DependencyCaching`:
 * - CARGO_CHEF: `chef` → `planner` (`cargo chef prepare`) → `builder` (`cargo chef cook`, then the real build) → `runtime`
 * - SKELETON: `base` → `skeleton` (manifests, lock file, stub targets, own versions set to 0.0.0) → `builder`
 *   (dependency build with a cache-mounted copy of `target/`, then the real build) → `runtime`
 * - CACHE_MOUNTS: `builder` (cache mounts on registry, git db and target) → `runtime`
 * - NONE: `builder` (`COPY . .` + `cargo build`) → `runtime`
 * - RUNNER: CARGO_CHEF's stages, then `binaries` (`FROM ${BINARIES}`, a global ARG defaulting to `builder`;
 *   the workflow sets it to the named build context holding the runner's binaries) → `runtime`; the
 *   glibc guard then starts from a plain Debian image, not from `builder`, so BuildKit skips the
 *   build stages when the binaries come from the runner
 *
 * With `auditable`, a `cargo-auditable` stage (the tool, installed apart from the sources) precedes
 * `builder`, whose final build is `cargo auditable build`.
 *
 * Every strategy leaves the binaries in `/out` of the `builder` stage (RUNNER: of the `binaries` stage);
 * the `runtime` stage copies them to `/usr/local/bin`. The stages are built when the component is created; the file renders
 * at synth, so changes made through the escape hatches are kept.
 */
export class RustDockerfile extends Component {
  /** The Dockerfile model (escape hatch: add stages, directives, raw lines). */
  public readonly file: Dockerfile;
  /** The resolved image plan this Dockerfile renders. */
  public readonly plan: ImagePlan;
  /** The stage that compiles the binaries into `/out`. */
  public readonly builder: DockerStage;
  /** The final (runtime) stage. */
  public readonly runtime: DockerStage;
  /** CARGO_CHEF: the stage providing cargo-chef and the build packages. */
  public readonly chef?: DockerStage;
  /** CARGO_CHEF: the stage computing `recipe.json`. */
  public readonly planner?: DockerStage;
  /** SKELETON: the common base of the build stages. */
  public readonly base?: DockerStage;
  /** SKELETON: the stage writing the manifests and stub targets. */
  public readonly skeleton?: DockerStage;
  /** `auditable`: the stage installing cargo-auditable for the final build. */
  public readonly auditable?: DockerStage;
  /** The runtime image with its packages and user, before the binaries (the glibc guard checks against it). */
  public readonly runtimeBase?: DockerStage;
  /** The stage that checks the binaries' glibc and library needs against `runtimeBase` (`glibcGuard`). */
  public readonly glibcGuard?: DockerStage;
  /** RUNNER: `FROM ${BINARIES}`, the binaries from `builder` or from the runner's named build context. */
  public readonly binaries?: DockerStage;

  public constructor(scope: IConstruct, plan: BuildPlan) {
    super(scope);
    const p = plan.image;
    this.plan = p;
    this.file = new Dockerfile(this, p.context.dockerfilePath, { syntax: p.context.syntax, header: header(p) });
    // several images: one shared dependency build, a build and a final stage per image (`file.tryFindStage(<name>)`)
    const stages: RenderedStages = plan.images ? multiImageStages(this.file, plan) : renderStages(this.file, p);
    this.builder = stages.builder;
    this.runtime = stages.runtime;
    this.chef = stages.chef;
    this.planner = stages.planner;
    this.base = stages.base;
    this.skeleton = stages.skeleton;
    this.auditable = stages.auditable;
    this.runtimeBase = stages.runtimeBase;
    this.glibcGuard = stages.glibcGuard;
    this.binaries = stages.binaries;
  }
}

/** The stages a strategy created (before the runtime stages). */
interface BuildStages {
  readonly builder: DockerStage;
  readonly chef?: DockerStage;
  readonly planner?: DockerStage;
  readonly base?: DockerStage;
  readonly skeleton?: DockerStage;
  readonly auditable?: DockerStage;
}

/** The stages `renderStages` created. */
interface RenderedStages {
  readonly builder: DockerStage;
  readonly runtime: DockerStage;
  readonly binaries?: DockerStage;
  readonly chef?: DockerStage;
  readonly planner?: DockerStage;
  readonly base?: DockerStage;
  readonly skeleton?: DockerStage;
  readonly auditable?: DockerStage;
  readonly runtimeBase?: DockerStage;
  readonly glibcGuard?: DockerStage;
}

function header(p: ImagePlan): string[] {
  return [
    'Generated from the options of RustDocker (projen-rust-docker) and the Cargo workspace:',
    ...p.summary.map(l => `  ${l}`),
    `Build: docker build -f ${p.context.dockerfilePath} ${p.context.dir}`,
  ];
}

/** Renders every stage of the plan into `file`. */
function renderStages(file: Dockerfile, p: ImagePlan): RenderedStages {
  const build = buildStages(file, p);
  const runner = p.builder.runner;
  if (runner === undefined) return { ...build, ...runtimeStages(file, p, STAGE.BUILDER) };
  file.addGlobalArg(runner.buildArg, STAGE.BUILDER);
  const binaries = file.addStage({
    from: `\${${runner.buildArg}}`,
    name: STAGE.BINARIES,
    fromComment: `the binaries in ${OUT_DIR}: from the builder stage above (the default), or built on the CI runner and passed as the\n`
      + `named build context "${runner.context}" (--build-arg ${runner.buildArg}=${runner.context} --build-context ${runner.context}=<dir with out/>)`,
  });
  return { ...build, binaries, ...runtimeStages(file, p, STAGE.BINARIES) };
}

/** The build stages of the strategy (RUNNER: CARGO_CHEF's, for building the Dockerfile alone). */
function buildStages(file: Dockerfile, p: ImagePlan): BuildStages {
  switch (p.builder.dependencyCaching) {
    case DependencyCaching.CARGO_CHEF:
    case DependencyCaching.RUNNER: return cargoChef(file, p);
    case DependencyCaching.SKELETON: return skeleton(file, p);
    case DependencyCaching.CACHE_MOUNTS: return singleBuilder(file, p, true);
    default: return singleBuilder(file, p, false);
  }
}

// ---------------------------------------------------------------------------------------------
// strategies

function cargoChef(file: Dockerfile, p: ImagePlan): BuildStages {
  const chef = chefStage(file, p);

  const planner = file.addStage({ from: STAGE.CHEF, name: STAGE.PLANNER });
  planner.comment('recipe.json: the dependency graph, unchanged by source edits');
  planner.copy({ sources: ['.'], dest: '.' });
  planner.run(['cargo chef prepare --recipe-path recipe.json', ...(p.cargo.isWorkspace && p.cargo.binaries.length === 1 ? ['--bin', p.cargo.binaries[0].name] : [])].join(' '));

  const auditable = auditableStage(file, p);
  const builder = file.addStage({ from: STAGE.CHEF, name: STAGE.BUILDER });
  copyCargoConfig(builder, p, 'before cargo chef cook (cargo-chef #271): cook and build read the same config and sources');
  setupTarget(builder, p);
  builder.copy({ from: STAGE.PLANNER, sources: [`${BUILD_DIR}/recipe.json`], dest: 'recipe.json' });
  builder.comment('dependencies only: this layer is reused until Cargo.toml/Cargo.lock change');
  builder.runWith({
    commands: [['cargo chef cook', ...cargoFlags(p, true), '--recipe-path recipe.json'].join(' ')],
    mounts: [...registryMounts(p), ...secretMounts(p)],
  });
  copyAuditable(builder, p);
  builder.copy({ sources: ['.'], dest: '.' });
  builder.runWith({ commands: [finalCargoBuild(p), ...copyOut(p)], mounts: [...registryMounts(p), ...secretMounts(p)] });

  return { chef, planner, auditable, builder };
}

function skeleton(file: Dockerfile, p: ImagePlan): BuildStages {
  const { base, skeleton: skel } = skeletonStages(file, p);

  const auditable = auditableStage(file, p);
  const builder = skeletonBuilderStage(file, p);
  builder.comment('dependencies only: this layer is reused until the dependency graph changes.');
  builder.comment(`On a long-lived builder, a cache mount keeps a copy of target/ (${DEPS_TARGET_CACHE}): when the graph changes, only new or changed crates compile`);
  builder.runWith({
    commands: [
      `mkdir -p target ${DEPS_TARGET_CACHE}`,
      `cp -a ${DEPS_TARGET_CACHE}/. target/`,
      cargoBuild(p),
      `cp -a target/. ${DEPS_TARGET_CACHE}/`,
    ],
    mounts: [...registryMounts(p, true), ...secretMounts(p)],
  });
  copyAuditable(builder, p);
  builder.copy({ sources: ['.'], dest: '.' });
  builder.comment('COPY keeps the sources\' mtimes, which may be older than the stub build: touch them so cargo rebuilds the workspace crates');
  builder.runWith({
    commands: [touchSources(p), finalCargoBuild(p), ...copyOut(p)],
    mounts: [...registryMounts(p), ...secretMounts(p)],
  });

  return { base, skeleton: skel, auditable, builder };
}

function singleBuilder(file: Dockerfile, p: ImagePlan, cacheMounts: boolean): BuildStages {
  const auditable = auditableStage(file, p);
  const builder = file.addStage({ from: p.builder.rustImage, name: STAGE.BUILDER, platform: buildPlatform(p) });
  useToolchain(builder, p);
  builder.workdir(BUILD_DIR);
  installBuildPackages(builder, p);
  copyCargoConfig(builder, p, 'before any cargo command');
  setupTarget(builder, p);
  const mounts: RunMount[] = [...registryMounts(p), ...secretMounts(p)];
  if (cacheMounts) {
    builder.arg('TARGETPLATFORM');
    builder.comment(`cache mounts: compiled dependencies stay in ${BUILD_DIR}/target between builds on this builder (not in the image layers)`);
  }
  copyAuditable(builder, p);
  builder.copy({ sources: ['.'], dest: '.' });
  if (cacheMounts) {
    builder.comment('COPY keeps the sources\' mtimes, which may be older than the artifacts in the target/ cache mount: touch them so cargo rebuilds the workspace crates');
  }
  builder.runWith({
    commands: [...(cacheMounts ? [touchSources(p)] : []), finalCargoBuild(p), ...copyOut(p)],
    mounts,
  });
  return { auditable, builder };
}
