/** Generating a Dockerfile and .dockerignore for a Rust project on disk, as projen would write them (real-build tests). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { RustDockerfile } from '../../src/docker/rust-dockerfile';
import { RustDockerfileOptions } from '../../src/docker/rust-dockerfile-options';
import { BuildPlan } from '../../src/plan/build-plan';
import { resolveImagePlan } from '../../src/plan/image-plan';

/** Renders the Dockerfile for the project in `ctx` and writes the plan's .dockerignore into it. Returns the Dockerfile text. */
export function generateDockerfile(ctx: string, options: RustDockerfileOptions): string {
  const facts = CargoWorkspace.load(ctx).facts;
  const image = resolveImagePlan(options, facts, '.');
  fs.writeFileSync(path.join(ctx, '.dockerignore'), `${image.dockerignorePatterns.join('\n')}\n`);
  const project = new Project({ name: 'e2e', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'x-')) });
  const plan = { workspace: facts, image, pipeline: {} } as unknown as BuildPlan;
  return new RustDockerfile(project, plan).file.render();
}
