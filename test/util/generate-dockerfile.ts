/** Generating a Dockerfile and .dockerignore for a Rust project on disk, as projen would write them (real-build tests). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { planFor } from './plan';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { RustDockerfile } from '../../src/docker/rust-dockerfile';
import { DockerfileSettings } from '../../src/settings';

/** Renders the Dockerfile for the project in `ctx` and writes the plan's .dockerignore into it. Returns the Dockerfile text. */
export function generateDockerfile(ctx: string, options: DockerfileSettings): string {
  const facts = CargoWorkspace.load(ctx).facts;
  const plan = planFor(options, facts);
  fs.writeFileSync(path.join(ctx, '.dockerignore'), `${plan.image.context.dockerignore!.patterns.join('\n')}\n`);
  const project = new Project({ name: 'e2e', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'x-')) });
  return new RustDockerfile(project, plan).file.render();
}
