import { buildPlan, errorFrom, fixtureFacts } from './plan-test-util';
import { resolveBuildPlan } from '../../src/plan/build-plan';
import { DependencyCaching, ImageSettings, RustDockerSettings } from '../../src/settings';

/** The plan of the multi-image fixture (api, worker, shared lib) with an `images` list whose entries override nothing else. */
function withImages(images: ImageSettings[], options: RustDockerSettings = {}) {
  return resolveBuildPlan({
    options,
    workspace: fixtureFacts('multi-image'),
    contextDir: '.',
    projectName: 'multi',
    images: images.map(settings => ({ settings, effective: { ...options, ...Object.fromEntries(Object.entries(settings).filter(([k]) => !['name', 'binaries', 'packageName'].includes(k))) } })),
  });
}

describe('several images in the build plan', () => {
  test('inferred: one image per binary, each with its stages, sources (own package + path deps) and inputs', () => {
    // GIVEN the multi-image workspace WHEN nothing is said
    const p = buildPlan({ workspace: fixtureFacts('multi-image'), projectName: 'multi' });
    // THEN two images, the first one being the one-image parts
    expect(p.images?.map(i => i.name)).toEqual(['api', 'worker']);
    expect(p.image.cargo.packageName).toBe('api');
    const [api, worker] = p.images!;
    expect(api.stages).toEqual({ buildStage: 'api-build', runtimeBaseStage: 'api-runtime-base', glibcGuardStage: 'api-glibc-guard', finalStage: 'api' });
    expect(api.image.runtime.stages).toEqual(['api-runtime-base', 'api']);
    // each build stage copies only its package and its path dependencies
    expect(api.sources).toEqual(['crates/api', 'crates/shared']);
    expect(worker.sources).toEqual(['crates/shared', 'crates/worker']);
    // the inputs add what every image reads
    expect(worker.inputs).toEqual(['.dockerignore', 'Cargo.lock', 'Cargo.toml', 'Dockerfile', 'crates/shared', 'crates/worker']);
    // own tag, cache scope and image-name suffix per image
    expect(api.pipeline.localTag).toBe('multi-api:local');
    expect(worker.pipeline.workflow?.cacheScope).toBe('multi-worker');
    // the header says what was chosen
    expect(p.image.summary.join('\n')).toMatch(/Images: api \(api of package api\); worker \(worker of package worker\) \(one per binary: 2 binaries and no default-run\)/);
    expect(p.image.summary.join('\n')).toMatch(/--target <image> \(without --target: api\)/);
  });

  test('the shared binaries or packageName keep one image (as before)', () => {
    const p = buildPlan({ workspace: fixtureFacts('multi-image'), options: { binaries: ['worker'] } });
    expect(p.images).toBeUndefined();
    expect(p.image.cargo.packageName).toBe('worker');
  });

  test('an images entry overrides shared settings for its image only; a shared imageName gets /<name>', () => {
    // GIVEN shared ports and imageName, and worker with its own ports and features-free entrypoint
    const p = withImages([{ name: 'api' }, { name: 'worker', ports: [9000], entrypoint: ['/usr/local/bin/worker', '--once'] }],
      { ports: [8080], imageName: 'ghcr.io/acme/shop' });
    const [api, worker] = p.images!;
    expect(api.image.runtime.ports).toEqual([8080]);
    expect(worker.image.runtime.ports).toEqual([9000]);
    expect(worker.image.runtime.entrypoint).toEqual(['/usr/local/bin/worker', '--once']);
    expect(api.pipeline.workflow?.imageName).toBe('ghcr.io/acme/shop/api');
    expect(worker.pipeline.workflow?.imageName).toBe('ghcr.io/acme/shop/worker');
  });

  test('one images entry: one image as before, the header names the list', () => {
    const p = withImages([{ name: 'worker' }]);
    expect(p.images).toBeUndefined();
    expect(p.image.cargo.binaries.map(b => b.name)).toEqual(['worker']);
    expect(p.image.summary.join('\n')).toMatch(/Images: worker \(worker of package worker\) \(from "images"\)/);
  });

  test('bad entries: one error each; a strategy that cannot share the dependency build is refused', () => {
    // GIVEN a duplicate name, a binary in two images, an unknown package
    const e = errorFrom(() => withImages([{ name: 'api' }, { name: 'api' }, { name: 'w2', binaries: ['api'] }, { name: 'x', packageName: 'nope' }]));
    expect(e.errors.map(x => x.option)).toEqual(['images[1].name', 'images[2].binaries', 'images[3].packageName']);
    // GIVEN NONE with two images
    const none = errorFrom(() => buildPlan({ workspace: fixtureFacts('multi-image'), options: { dependencyCaching: DependencyCaching.NONE } }));
    expect(none.message).toMatch(/option "dependencyCaching": is NONE, which builds one image per Dockerfile, but the repository ships 2 images \(api, worker\)/);
    expect(buildPlan({ workspace: fixtureFacts('multi-image'), options: { dependencyCaching: DependencyCaching.SKELETON } }).images).toHaveLength(2);
  });

  test('a shared bad setting is reported once, not once per image', () => {
    const e = errorFrom(() => buildPlan({ workspace: fixtureFacts('multi-image'), options: { cargoProfile: 'bad profile' } }));
    expect(e.errors.map(x => x.option)).toEqual(['cargoProfile']);
  });
});
