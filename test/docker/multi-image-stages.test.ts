import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project, Testing } from 'projen';
import { CargoWorkspace } from '../../src/cargo';
import { RustDockerfile } from '../../src/docker/rust-dockerfile';
import { DependencyCaching, RustDockerSettings } from '../../src/settings';
import { lintDockerfile } from '../util/dockerfile-lint';
import { planFor } from '../util/plan';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'multi-image');

function synth(options: RustDockerSettings = {}): { text: string; df: RustDockerfile } {
  const project = new Project({ name: 'multi', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mi-')) });
  const df = new RustDockerfile(project, planFor(options, CargoWorkspace.load(FIXTURE).facts, '.', 'multi'));
  return { text: Testing.synth(project).Dockerfile as string, df };
}

/** Stage names in file order. */
const stageNames = (text: string) => [...text.matchAll(/^FROM \S+ AS (\S+)$/gm)].map(m => m[1]);
/** The logical instructions (continuations joined) of one stage, without comments. */
function stage(text: string, name: string): string[] {
  const logical = text.replace(/ \\\n\s*/g, ' ').split('\n');
  const start = logical.findIndex(l => new RegExp(`^FROM .* AS ${name}$`).test(l));
  const end = logical.findIndex((l, i) => i > start && l.startsWith('FROM '));
  return logical.slice(start, end < 0 ? undefined : end).filter(l => l !== '' && !l.startsWith('#'));
}

describe('one Dockerfile, two images (CARGO_CHEF)', () => {
  test('shared chef/planner/cook, then per image a build stage, runtime stages and a final stage named after it; api last', () => {
    // GIVEN the multi-image workspace (api, worker, shared) WHEN the Dockerfile is synthesized
    const { text, df } = synth();
    // THEN the shared stages come once, each image has its own, and the first image's final stage ends the file
    expect(stageNames(text)).toEqual([
      'chef', 'planner', 'builder',
      'worker-build', 'worker-runtime-base', 'worker-glibc-guard', 'worker',
      'api-build', 'api-runtime-base', 'api-glibc-guard', 'api',
    ]);
    expect(df.runtime.name).toBe('api');
    expect(lintDockerfile(text)).toEqual([]);
  });

  test('one recipe for the workspace, one cook per image build in one layer', () => {
    const { text } = synth();
    expect(stage(text, 'planner')).toContain('RUN cargo chef prepare --recipe-path recipe.json');
    const cook = stage(text, 'builder').find(l => l.includes('cargo chef cook'))!;
    expect(cook).toMatch(/cargo chef cook --locked --release -p api --bin api --recipe-path recipe.json && cargo chef cook --locked --release -p worker --bin worker --recipe-path recipe.json$/);
  });

  test('each build stage copies the real manifests and lock file, then only its own package and path dependencies', () => {
    const { text } = synth();
    const copies = (name: string) => stage(text, name).filter(l => l.startsWith('COPY'));
    const manifests = ['COPY Cargo.toml Cargo.lock ./', 'COPY crates/api/Cargo.toml crates/api/Cargo.toml',
      'COPY crates/shared/Cargo.toml crates/shared/Cargo.toml', 'COPY crates/worker/Cargo.toml crates/worker/Cargo.toml'];
    expect(copies('api-build')).toEqual([...manifests, 'COPY crates/api crates/api', 'COPY crates/shared crates/shared']);
    expect(copies('worker-build')).toEqual([...manifests, 'COPY crates/shared crates/shared', 'COPY crates/worker crates/worker']);
    expect(stage(text, 'api-build')[0]).toBe('FROM builder AS api-build');
    expect(stage(text, 'api-build').join('\n')).toMatch(/cargo build --locked --release -p api --bin api && mkdir -p \/out && cp target\/release\/api \/out\//);
    // the guard and the final stage read this image's build
    expect(stage(text, 'worker-glibc-guard')[0]).toBe('FROM worker-build AS worker-glibc-guard');
    expect(stage(text, 'worker')).toContain('COPY --from=worker-glibc-guard /out/worker /usr/local/bin/');
    expect(stage(text, 'worker')).toContain('ENTRYPOINT ["/usr/local/bin/worker"]');
  });

  test('without the glibc guard, each final stage copies from its build stage', () => {
    const { text } = synth({ glibcGuard: false });
    expect(stageNames(text)).toEqual(['chef', 'planner', 'builder', 'worker-build', 'worker', 'api-build', 'api']);
    expect(stage(text, 'api')).toContain('COPY --from=api-build /out/api /usr/local/bin/');
    expect(lintDockerfile(text)).toEqual([]);
  });

  test('SKELETON: base, skeleton and one dependency build per image in one layer; each build stage touches its sources', () => {
    const { text } = synth({ dependencyCaching: DependencyCaching.SKELETON });
    expect(stageNames(text)).toEqual([
      'base', 'skeleton', 'builder',
      'worker-build', 'worker-runtime-base', 'worker-glibc-guard', 'worker',
      'api-build', 'api-runtime-base', 'api-glibc-guard', 'api',
    ]);
    expect(stage(text, 'builder').join('\n')).toMatch(/cargo build --locked --release -p api --bin api && cargo build --locked --release -p worker --bin worker && cp -a target\/\. /);
    expect(stage(text, 'api-build').join('\n')).toMatch(/RUN .*touch [^&]*crates\/api\/src\/main\.rs[^&]*&& cargo build --locked --release -p api --bin api/);
    expect(stage(text, 'api-build').filter(l => l.startsWith('COPY')).slice(-2)).toEqual(['COPY crates/api crates/api', 'COPY crates/shared crates/shared']);
    expect(lintDockerfile(text)).toEqual([]);
  });

  test('the header says what was chosen', () => {
    const { text } = synth();
    expect(text).toContain('#   Images: api (api of package api); worker (worker of package worker) (one per binary: 2 binaries and no default-run)');
    expect(text).toContain('#     api: api (crates/api/src/main.rs) of package api, target api, sources crates/api crates/shared');
  });
});
