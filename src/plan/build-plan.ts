import * as path from 'path';
import { ComposeE2ePlan, resolveComposeE2ePlan } from './compose-e2e-plan';
import { imageSourcePaths, resolveImageInputs } from './image-changes';
import { INTERNAL_STAGE_NAMES, PlannedImage, resolveImageList } from './image-list-plan';
import { ImagePlan, resolveImagePlan } from './image-plan';
import { PipelinePlan, resolvePipelinePlan } from './pipeline-plan';
import { sanitizeName } from './workflow-plan';
import { CargoWorkspaceFacts } from '../cargo/cargo-facts';
import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { DependencyCaching, ImageSettings, RustDockerSettings } from '../settings';
import { checkSettings } from '../settings/option-schema';
import { enumName } from '../validators';

/**
 * The one resolved build plan: settings (after presets) + Cargo facts, validated.
 * Every renderer (Dockerfile, .dockerignore, workflow, tasks) reads only this.
 */
export interface BuildPlan {
  /** Cargo facts the plan was computed from. */
  readonly workspace: CargoWorkspaceFacts;
  /** Dockerfile and build context (with several images: the first image's). */
  readonly image: ImagePlan;
  /** Workflow, E2E and local tasks (with several images: the first image's). */
  readonly pipeline: PipelinePlan;
  /**
   * The images, when the repository ships more than one (option `images`, or one per binary): each a
   * final stage of the one Dockerfile and a job of the one workflow, the first one being `image` and
   * `pipeline`. Undefined with one image.
   */
  readonly images?: NamedImagePlan[];
  /** Several images: the compose E2E that brings them up together (`composeE2e`); undefined when unset. */
  readonly composeE2e?: ComposeE2ePlan;
}

/** One image of several: its own image and pipeline plans, stage names, sources and build inputs. */
export interface NamedImagePlan {
  /** Image name: its final Dockerfile stage (`--target <name>`) and its workflow job. */
  readonly name: string;
  /** Its Dockerfile part (the builder part is the same for every image). */
  readonly image: ImagePlan;
  /** Its tag, E2E tests and workflow settings (image name, cache scope). */
  readonly pipeline: PipelinePlan;
  /** Names of its Dockerfile stages. */
  readonly stages: ImageStagePlan;
  /** What its build stage copies (relative to the build context): its package and that package's path dependencies, transitively. */
  readonly sources: string[];
  /** The files it is built from (relative to the build context, a folder standing for what it holds): the workflow rebuilds it when one changes. */
  readonly inputs: string[];
}

/** The Dockerfile stages of one image of several. */
export interface ImageStagePlan {
  /** The stage that compiles its binaries into `/out` (`FROM` the shared dependency stage). */
  readonly buildStage: string;
  /** Its runtime image before the binaries (glibc guard only). */
  readonly runtimeBaseStage?: string;
  /** Its glibc guard (glibc guard only). */
  readonly glibcGuardStage?: string;
  /** Its final stage: the image name. */
  readonly finalStage: string;
}

/** One entry of the `images` option with the settings it builds with. */
export interface ImageInput {
  /** The entry as given. */
  readonly settings: ImageSettings;
  /** The effective settings of the image: presets merged with the project's settings and this entry's overrides. */
  readonly effective: RustDockerSettings;
}

/** Inputs of `resolveBuildPlan`. */
export interface BuildPlanInput {
  /** Effective settings, presets already merged. */
  readonly options: RustDockerSettings;
  /** Cargo facts of the workspace. */
  readonly workspace: CargoWorkspaceFacts;
  /** Build context relative to the project root. */
  readonly contextDir: string;
  /** Project name (local image tag). */
  readonly projectName: string;
  /**
   * The `images` option, each entry with its effective settings.
   * @default - inferred: one image per shipped binary when there are several and no `default-run`, else one image
   */
  readonly images?: ImageInput[];
}

/** Strategies that can share one dependency build between several images. */
const MULTI_IMAGE_CACHING = [DependencyCaching.CARGO_CHEF, DependencyCaching.SKELETON];

/**
 * Computes the build plan. Pure. Throws one RustDockerError listing every bad setting
 * (`RustDockerError.errors`): the kinds of all values first, then every independent rule.
 */
export function resolveBuildPlan(input: BuildPlanInput): BuildPlan {
  const errors = new ErrorCollector();
  checkSettings(input.options, 'the settings', errors);
  errors.throwIfAny();
  const defaultName = sanitizeName(input.projectName) || 'image';
  // the shared "binaries" or "packageName" choose the one image's binaries: nothing to infer
  const oneChosen = input.images === undefined && (input.options.binaries !== undefined || input.options.packageName !== undefined);
  const list = oneChosen ? { images: [{ name: defaultName }], inferred: true, summary: '' }
    : resolveImageList(input.images?.map(i => i.settings), input.workspace, defaultName, errors);
  errors.throwIfAny();
  if (list.images.length === 1) {
    const given = input.images?.[0];
    const options = given === undefined ? input.options : imageOptions(input.options, given, list.images[0], false);
    const image = resolveImagePlan(options, input.workspace, input.contextDir, errors);
    const pipeline = resolvePipelinePlan(options, image, input.projectName, errors);
    // refused with one image (its own compose test is e2e.composeFile)
    resolveComposeE2ePlan(input.options.composeE2e, [list.images[0].name], undefined, errors);
    errors.throwIfAny();
    // one image as before; the header names the list only when it was given
    return { workspace: input.workspace, image: given === undefined ? image! : withSummary(image!, list.summary), pipeline };
  }

  const reported = new Set<string>();
  const names = list.images.map(i => i.name);
  const images = list.images.map((planned, i) => resolveNamedImage(input, planned, input.images?.[i], names, errors, reported));
  errors.throwIfAny();
  const named = images as NamedImagePlan[];
  const first = named[0];
  errors.attempt(() => checkMultiImage(named), undefined);
  const composeE2e = resolveComposeE2ePlan(input.options.composeE2e, names, input.options.e2e?.timeoutMinutes, errors);
  errors.throwIfAny();
  return {
    workspace: input.workspace,
    image: withSummary(first.image, list.summary, named),
    pipeline: first.pipeline,
    images: named,
    ...(composeE2e ? { composeE2e } : {}),
  };
}

/** The settings one image builds with: its entry's (or the shared ones), its binaries, its image name. */
function imageOptions(shared: RustDockerSettings, given: ImageInput | undefined, planned: PlannedImage, several: boolean): RustDockerSettings {
  const effective = given?.effective ?? shared;
  const ownName = given?.settings.imageName !== undefined;
  return {
    ...effective,
    binaries: planned.binaries ?? effective.binaries,
    packageName: planned.packageName ?? effective.packageName,
    imageName: !several || ownName || shared.imageName === undefined ? effective.imageName : `${shared.imageName}/${planned.name}`,
  };
}

function resolveNamedImage(
  input: BuildPlanInput, planned: PlannedImage, given: ImageInput | undefined, names: string[], errors: ErrorCollector, reported: Set<string>,
): NamedImagePlan | undefined {
  const options = imageOptions(input.options, given, planned, true);
  // the shared settings are checked once per image: each problem is reported once
  const own = new ErrorCollector();
  const image = resolveImagePlan(options, input.workspace, input.contextDir, own, names);
  const pipeline = resolvePipelinePlan(options, image, `${input.projectName}-${planned.name}`, own);
  try {
    own.throwIfAny();
  } catch (e) {
    if (!(e instanceof RustDockerError)) throw e;
    const fresh = e.errors.filter(x => !reported.has(x.message));
    for (const x of fresh) reported.add(x.message);
    if (fresh.length > 0) errors.add(RustDockerError.combine(fresh));
    return undefined;
  }
  const stages = imageStageNames(planned.name, image!.runtime.glibcGuard);
  const runtimeStageList = [stages.runtimeBaseStage, stages.finalStage].filter((s): s is string => s !== undefined);
  const ctx = image!.context;
  const rel = (file: string) => path.posix.relative(ctx.dir, file) || file;
  const packages = [image!.cargo.packageName];
  return {
    name: planned.name,
    image: { ...image!, runtime: { ...image!.runtime, stages: runtimeStageList } },
    pipeline,
    stages,
    sources: imageSourcePaths(input.workspace, packages),
    inputs: resolveImageInputs(input.workspace, [{ name: planned.name, packages }], {
      dockerfile: rel(ctx.dockerfilePath),
      dockerignore: ctx.dockerignore ? rel(ctx.dockerignore.path) : null,
    })[0].paths,
  };
}

/** Rules that hold only with several images: a strategy that shares the dependency build, stage names that do not clash. */
function checkMultiImage(images: NamedImagePlan[]): void {
  const errors = new ErrorCollector();
  const caching = images[0].image.builder.dependencyCaching;
  if (!MULTI_IMAGE_CACHING.includes(caching)) {
    errors.add(RustDockerError.forOption('dependencyCaching', `is ${enumName(caching)}, which builds one image per Dockerfile, but the repository ships ${images.length} images (${images.map(i => i.name).join(', ')})`,
      'Use DependencyCaching.CARGO_CHEF or SKELETON (one dependency build shared by every image), or list one image in "images" (or set "binaries")'));
  }
  const stageNames = new Map<string, string>();
  for (const image of images) {
    for (const stage of Object.values(image.stages)) if (stage !== image.name) stageNames.set(stage, image.name);
  }
  for (const image of images) {
    const owner = stageNames.get(image.name);
    if (owner !== undefined) {
      errors.add(RustDockerError.forOption('images', `image ${showValue(image.name)} has the name of a stage of image ${showValue(owner)}`,
        `Rename it (reserved: ${INTERNAL_STAGE_NAMES.join(', ')} and <image>-build, <image>-runtime-base, <image>-glibc-guard)`));
    }
  }
  errors.throwIfAny();
}

/** The image list's line in the Dockerfile header: instead of the one image's binaries, each image's. */
function withSummary(image: ImagePlan, line: string, images?: NamedImagePlan[]): ImagePlan {
  const binaries = images?.map(i => `  ${i.name}: ${i.image.cargo.binaries.map(b => `${b.name} (${b.path})`).join(', ')} of package ${i.image.cargo.packageName}, `
    + `target ${i.stages.finalStage}, sources ${i.sources.join(' ') || '.'}`) ?? [];
  const targets = images ? [`  one image: docker buildx build --target <image> (without --target: ${images[0].name})`] : [];
  const summary = image.summary.flatMap(l => (l.startsWith('Binaries: ') ? (images ? [line, ...binaries, ...targets] : [line, l]) : [l]));
  return { ...image, summary };
}

/**
 * The Dockerfile stages of one image of several: `<name>-build` (its package and path dependencies on
 * top of the shared dependency build), `<name>-runtime-base` and `<name>-glibc-guard` (with the glibc
 * guard), and the final stage `<name>`.
 */
function imageStageNames(name: string, glibcGuard: boolean): ImageStagePlan {
  return {
    buildStage: `${name}-build`,
    ...(glibcGuard ? { runtimeBaseStage: `${name}-runtime-base`, glibcGuardStage: `${name}-glibc-guard` } : {}),
    finalStage: name,
  };
}
