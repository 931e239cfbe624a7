import { IConstruct } from 'constructs';
import { Component } from 'projen';
import { DockerIgnore } from './docker-ignore';
import { BuildPlan } from '../plan/build-plan';

/**
 * The `.dockerignore` of the build context, computed by the build plan.
 *
 * ALLOW_LIST (default): `*`, then `!` entries for exactly what the Dockerfile needs: the root
 * manifest and `Cargo.lock`, the toolchain file, `.cargo/config.toml` and vendored sources, and for
 * each workspace member its `Cargo.toml`, `src/`, build script and the folders of targets that
 * live outside `src/` (explicit `[[bin]]`/`[[test]]`/`[[bench]]`/`[[example]]` paths, which cargo
 * must find to load the manifest), and the files its compilation reads outside those (found by the
 * Cargo scan: `CargoPackageFacts.compileInputs`); then `dockerignoreAllow`, then `dockerignoreDeny`.
 * Editing docs or CI files the build does not read never changes the context. What the scan cannot
 * resolve is a synth warning; add it with `dockerignoreAllow`.
 *
 * DENY_LIST: `.git`, `.github`, `.projen`, `node_modules`, `target`, `**` `/target`, the Dockerfile
 * and `.dockerignore` (Markdown stays: it may be `include_str!`'d), then `dockerignoreDeny`, then
 * `!` + `dockerignoreAllow`.
 */
export class RustDockerIgnore extends Component {
  /** The `.dockerignore` file (escape hatch: `addPatterns`, `allow`, `removePatterns`). */
  public readonly file: DockerIgnore;

  public constructor(scope: IConstruct, plan: BuildPlan) {
    super(scope);
    const dockerignore = plan.image.context.dockerignore!;
    this.file = new DockerIgnore(this, dockerignore.path, { patterns: dockerignore.patterns });
  }
}
