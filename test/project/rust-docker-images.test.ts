/** The `images` option through the component: presets merged per image, entry checks, subprojects (issue 14). */
import { Project } from 'projen';
import { RustDocker, RustDockerOptions } from '../../src/project/rust-docker';
import { RuntimeBase } from '../../src/settings';
import { thrownError } from '../util/errors';
import { fixtureOutdir, writeFiles } from '../util/fixture-project';

function component(options: RustDockerOptions, outdir = fixtureOutdir('multi-image')): RustDocker {
  return new RustDocker(new Project({ name: 'shop', outdir }), options);
}

describe('images through RustDocker', () => {
  test('presets merge into every image: a preset default is replaced by the entry, a forced value wins or is a conflict', () => {
    const preset = { name: 'acme', settings: { runtime: RuntimeBase.DISTROLESS_CC, ports: [80] }, forced: { uid: 20000 } };
    // GIVEN worker overrides the preset's runtime WHEN planned
    const rd = component({ presets: [preset], images: [{ name: 'api' }, { name: 'worker', runtime: RuntimeBase.DEBIAN_SLIM }] });
    const [api, worker] = rd.plan.images!;
    // THEN api keeps the preset's default, worker its own; both get the forced uid and the preset's ports
    expect(api.image.runtime.base).toBe(RuntimeBase.DISTROLESS_CC);
    expect(worker.image.runtime.base).toBe(RuntimeBase.DEBIAN_SLIM);
    expect([api.image.runtime.user?.uid, worker.image.runtime.user?.uid]).toEqual([20000, 20000]);
    expect(worker.image.runtime.ports).toEqual([80]);
  });

  test('an unknown field of an entry, and a bad value of an override, are errors naming the image', () => {
    const unknown = thrownError(() => component({ images: [{ name: 'api' }, { name: 'worker', rustVersion: '1.80' } as any] }));
    expect(unknown.message).toMatch(/option "images\[1\]\.rustVersion": is not a field of an image/);
    const bad = thrownError(() => component({ images: [{ name: 'api', ports: ['80'] as any }, { name: 'worker' }] }));
    expect(bad.message).toMatch(/option "ports"/);
  });

  test('an image named like another image\'s stage is refused', () => {
    const e = thrownError(() => component({ images: [{ name: 'api', binaries: ['api'] }, { name: 'api-build', binaries: ['worker'] }] }));
    expect(e.message).toMatch(/option "images": image "api-build" has the name of a stage of image "api"/);
  });

  test('more than 16 binaries: no image per binary is inferred (the one-image rules ask for a choice)', () => {
    const dir = fixtureOutdir();
    writeFiles(dir, {
      'Cargo.toml': `[package]\nname = "tools"\nversion = "0.1.0"\nedition = "2021"\n${Array.from({ length: 17 }, (_, i) => `[[bin]]\nname = "t${i}"\npath = "src/main.rs"\n`).join('')}`,
      'src/main.rs': 'fn main() {}\n',
    });
    expect(thrownError(() => component({}, dir)).message).toMatch(/option "binaries"/);
  });

  test('two subprojects with a RustDocker each: the second needs its own workflow name', () => {
    const root = new Project({ name: 'mono', outdir: fixtureOutdir() });
    const a = new Project({ name: 'a', parent: root, outdir: 'a' });
    const b = new Project({ name: 'b', parent: root, outdir: 'b' });
    writeFiles(a.outdir, { 'Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\n', 'src/main.rs': 'fn main() {}\n' });
    writeFiles(b.outdir, { 'Cargo.toml': '[package]\nname = "b"\nversion = "0.1.0"\n', 'src/main.rs': 'fn main() {}\n' });
    new RustDocker(a, { dependabot: false });
    expect(thrownError(() => new RustDocker(b, { dependabot: false })).message).toMatch(/option "workflowName": ".github\/workflows\/docker.yml" is already generated in the repository root.*"docker-b"/);
    // (a fresh subproject: the failed component stays registered on b)
    const c = new Project({ name: 'c', parent: root, outdir: 'c' });
    writeFiles(c.outdir, { 'Cargo.toml': '[package]\nname = "c"\nversion = "0.1.0"\n', 'src/main.rs': 'fn main() {}\n' });
    new RustDocker(c, { dependabot: false, workflowName: 'docker-c' });
    expect(root.tryFindFile('.github/workflows/docker-c.yml')).toBeDefined();
  });
});
