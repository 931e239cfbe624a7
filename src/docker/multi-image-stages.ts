/**
 * Several images from one Dockerfile (issue 14): one shared dependency build, then per image a build
 * stage that copies only that image's package and its path dependencies, and its runtime stages, the
 * final one named after the image (`docker buildx build --target <name>`).
 */
import {
  auditableStage, cargoBuild, cargoFlags, chefStage, copyAuditable, copyCargoConfig, copyOut, finalCargoBuild, registryMounts,
  secretMounts, setupTarget, skeletonBuilderStage,
} from './build-steps';
import { Dockerfile } from './dockerfile';
import { STAGE } from './dockerfile-layout';
import { DockerStage } from './dockerfile-stage';
import { runtimeStages } from './runtime-stages';
import { touchSources } from './skeleton-rewrite';
import { skeletonStages } from './skeleton-stages';
import { BuildPlan, NamedImagePlan } from '../plan/build-plan';
import { BUILD_DIR, DEPS_TARGET_CACHE } from '../plan/builder-plan';
import { DependencyCaching } from '../settings';

/** The stages of one image of several. */
export interface ImageStages {
  /** Image name. */
  readonly name: string;
  /** Compiles its binaries into `/out`, on top of the shared dependency build. */
  readonly build: DockerStage;
  /** Its final stage, named after the image. */
  readonly runtime: DockerStage;
  /** Its runtime image before the binaries (glibc guard). */
  readonly runtimeBase?: DockerStage;
  /** Its glibc guard. */
  readonly glibcGuard?: DockerStage;
}

/** The stages every image shares. */
interface SharedStages {
  readonly chef?: DockerStage;
  readonly planner?: DockerStage;
  readonly base?: DockerStage;
  readonly skeleton?: DockerStage;
  readonly builder: DockerStage;
  readonly auditable?: DockerStage;
}

/** The stages `multiImageStages` created. */
export interface MultiImageStages extends SharedStages {
  readonly images: ImageStages[];
  /** The first image's final stage (and its runtime-base and guard). */
  readonly runtime: DockerStage;
  readonly runtimeBase?: DockerStage;
  readonly glibcGuard?: DockerStage;
}

/**
 * Several images from one Dockerfile. CARGO_CHEF: `chef` → `planner` (one recipe for the whole workspace) → `builder`
 * (`cargo chef cook` once per distinct image build: the dependencies of every image, compiled with
 * each image's own flags so its build finds them fresh) → per image `<name>-build` (`FROM builder`:
 * the real manifests and lock file, then only its own package and path dependencies, `cargo build -p`)
 * → its runtime stages → `<name>`. The cook stage holds every member's manifest and stub sources, so
 * cargo loads the workspace; a change confined to another image's package leaves this image's build
 * stage cached. SKELETON: the same after `base` → `skeleton` → `builder` (one dependency build per image in
 * one layer), each build stage touching the sources it copied. The first image's final stage is the last
 * one of the file (a plain `docker build` builds it).
 */
export function multiImageStages(file: Dockerfile, plan: BuildPlan): MultiImageStages {
  const images = plan.images!;
  const p = plan.image;
  const shared = p.builder.dependencyCaching === DependencyCaching.SKELETON ? sharedSkeleton(file, plan)
    : p.builder.dependencyCaching === DependencyCaching.CARGO_CHEF ? sharedChef(file, plan)
      // the plan refuses this; a guard for direct callers
      : undefined;
  if (shared === undefined) throw new Error(`several images need DependencyCaching.CARGO_CHEF or SKELETON, not ${p.builder.dependencyCaching}`);
  const skeleton = p.builder.dependencyCaching === DependencyCaching.SKELETON;

  // the first image last: it is what a build without --target gives
  const order = [...images.slice(1), images[0]];
  const built = new Map(order.map(image => [image.name, imageStages(file, image, skeleton)]));
  const first = built.get(images[0].name)!;
  return {
    ...shared,
    images: images.map(i => built.get(i.name)!),
    runtime: first.runtime,
    runtimeBase: first.runtimeBase,
    glibcGuard: first.glibcGuard,
  };
}

/** CARGO_CHEF: `chef` → `planner` (one recipe for the workspace) → `builder` (one cook per image build). */
function sharedChef(file: Dockerfile, plan: BuildPlan): SharedStages {
  const images = plan.images!;
  const p = plan.image;
  const chef = chefStage(file, p);

  const planner = file.addStage({ from: STAGE.CHEF, name: STAGE.PLANNER });
  planner.comment('recipe.json: the dependency graph of every image, unchanged by source edits');
  planner.copy({ sources: ['.'], dest: '.' });
  planner.run('cargo chef prepare --recipe-path recipe.json');

  const auditable = auditableStage(file, p);
  const builder = file.addStage({ from: STAGE.CHEF, name: STAGE.BUILDER });
  copyCargoConfig(builder, p, 'before cargo chef cook (cargo-chef #271): cook and build read the same config and sources');
  setupTarget(builder, p);
  builder.copy({ from: STAGE.PLANNER, sources: [`${BUILD_DIR}/recipe.json`], dest: 'recipe.json' });
  builder.comment(`the dependencies of every image (${images.map(i => i.name).join(', ')}), each with its own build's flags: reused until Cargo.toml/Cargo.lock change`);
  const cooks = [...new Set(images.map(i => ['cargo chef cook', ...cargoFlags(i.image, true), '--recipe-path recipe.json'].join(' ')))];
  builder.runWith({ commands: cooks, mounts: [...registryMounts(p), ...secretMounts(p)] });
  copyAuditable(builder, p);
  return { chef, planner, builder, auditable };
}

/** SKELETON: `base` → `skeleton` → `builder` (the dependency build of every image, with the cache-mounted copy of target/). */
function sharedSkeleton(file: Dockerfile, plan: BuildPlan): SharedStages {
  const images = plan.images!;
  const p = plan.image;
  const { base, skeleton } = skeletonStages(file, p);
  const auditable = auditableStage(file, p);
  const builder = skeletonBuilderStage(file, p);
  builder.comment(`the dependencies of every image (${images.map(i => i.name).join(', ')}), each with its own build's flags: reused until the dependency graph changes.`);
  builder.comment(`On a long-lived builder, a cache mount keeps a copy of target/ (${DEPS_TARGET_CACHE}): when the graph changes, only new or changed crates compile`);
  builder.runWith({
    commands: [
      `mkdir -p target ${DEPS_TARGET_CACHE}`,
      `cp -a ${DEPS_TARGET_CACHE}/. target/`,
      ...new Set(images.map(i => cargoBuild(i.image))),
      `cp -a target/. ${DEPS_TARGET_CACHE}/`,
    ],
    mounts: [...registryMounts(p, true), ...secretMounts(p)],
  });
  copyAuditable(builder, p);
  return { base, skeleton, builder, auditable };
}

/** One image's build stage and runtime stages. */
function imageStages(file: Dockerfile, image: NamedImagePlan, skeleton: boolean): ImageStages {
  const p = image.image;
  const build = file.addStage({ from: STAGE.BUILDER, name: image.stages.buildStage });
  build.comment(`image ${image.name}: the real manifests and lock file (the builder stage has ${skeleton ? 'the skeleton\'s' : 'cargo-chef\'s'} stubs), then only its own sources:`);
  build.comment('a change to another image\'s package leaves this stage cached');
  build.copy({ sources: p.cargo.locked ? ['Cargo.toml', 'Cargo.lock'] : ['Cargo.toml'], dest: './' });
  for (const pkg of p.cargo.packages.filter(x => x.dir !== '.')) build.copy({ sources: [pkg.manifestPath], dest: pkg.manifestPath });
  for (const source of image.sources.filter(s => s !== 'Cargo.toml')) build.copy({ sources: [source], dest: source });
  if (skeleton) build.comment('COPY keeps the sources\' mtimes, which may be older than the stub build: touch them so cargo rebuilds the workspace crates');
  const touch = skeleton ? [touchSources(p)] : [];
  build.runWith({ commands: [...touch, finalCargoBuild(p), ...copyOut(p)], mounts: [...registryMounts(p), ...secretMounts(p)] });
  const names = { runtime: image.stages.finalStage, runtimeBase: image.stages.runtimeBaseStage, glibcGuard: image.stages.glibcGuardStage };
  return { name: image.name, build, ...runtimeStages(file, p, image.stages.buildStage, names) };
}
