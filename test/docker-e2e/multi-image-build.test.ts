/**
 * Several images from one generated Dockerfile (issue 14), built for real on the lab builder as the
 * workflow's jobs build them (`--target <image>`): the multi-image fixture (api and worker, a shared
 * lib, no default-run) gives two images without options; both run and print their line. After a
 * change confined to worker/, building api again compiles nothing and reuses its build stage.
 */
import * as path from 'path';
import { DependencyCaching } from '../../src/settings';
import {
  buildImage, buildSteps, compiledCrates, describeDocker, DOCKER_TEST_TIMEOUT, prepareFixture, removeImage, replaceInFile, runImage, uniqueTag,
} from '../util/docker';
import { generateDockerfile } from '../util/generate-dockerfile';

/** A suffix unique to this run: the lab builder keeps its cache, a change must be new to it. */
const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;

describeDocker('one Dockerfile, two images (--target api, --target worker)', () => {
  const tags: string[] = [];
  afterAll(() => tags.forEach(removeImage));

  test.each([
    ['the default (CARGO_CHEF)', {}],
    ['SKELETON', { dependencyCaching: DependencyCaching.SKELETON }],
  ])('%s: both images build and run; a worker-only change leaves api\'s build stage cached and compiles none of its crates', async (label, options) => {
    // GIVEN the fixture and the Dockerfile generated (Rust from the lab's rust:1)
    const ctx = prepareFixture('multi-image');
    const dockerfile = generateDockerfile(ctx, { rustVersion: '1', ...options });
    expect(dockerfile).toMatch(/^# +Images: api \(api of package api\); worker \(worker of package worker\)/m);
    const build = async (target: string) => {
      const tag = uniqueTag(`multi-${target}`);
      tags.push(tag);
      const result = await buildImage({ context: ctx, dockerfile, tag, target });
      if (!result.ok) throw new Error(`build of ${target} failed:\n${result.log.slice(-6000)}`);
      return { tag, ...result };
    };

    // WHEN each image is built from the one Dockerfile and run
    const api = await build('api');
    const worker = await build('worker');
    // THEN each prints its line
    expect((await runImage(api.tag)).stdout.trim()).toBe('hello from api');
    expect((await runImage(worker.tag)).stdout.trim()).toBe('hello from worker');
    // eslint-disable-next-line no-console
    console.log(`[multi-image ${label}] api ${api.seconds}s, worker ${worker.seconds}s (after api: shared cook reused)`);

    // WHEN only worker changes, and api is built again
    replaceInFile(path.join(ctx, 'crates/worker/src/main.rs'), 'greeting("worker")', `greeting("worker ${RUN}")`);
    const apiAgain = await build('api');
    // THEN none of api's crates compiles: its build stage is reused
    expect(compiledCrates(apiAgain.log)).toEqual([]);
    const apiBuild = buildSteps(apiAgain.log).filter(s => s.name.startsWith('[api-build') && s.name.includes('RUN'));
    expect(apiBuild.length).toBeGreaterThan(0);
    expect(apiBuild.every(s => s.reused)).toBe(true);
    expect(apiAgain.log).not.toMatch(/Compiling api /);
    // AND worker rebuilds only its own package (and what it depends on, none changed: the shared lib is not recompiled by cargo's fingerprints)
    const workerAgain = await build('worker');
    expect(compiledCrates(workerAgain.log)).not.toContain('api');
    expect(compiledCrates(workerAgain.log)).toContain('worker');
    expect((await runImage(workerAgain.tag)).stdout.trim()).toBe(`hello from worker ${RUN}`);
    // eslint-disable-next-line no-console
    console.log(`[multi-image ${label}] after a worker-only change: api ${apiAgain.seconds}s (cached), worker ${workerAgain.seconds}s (compiled ${compiledCrates(workerAgain.log).join(', ')})`);
  }, DOCKER_TEST_TIMEOUT);
});
