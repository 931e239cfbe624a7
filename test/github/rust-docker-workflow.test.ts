import { Testing } from 'projen';
import * as YAML from 'yaml';
import { RustDockerProject } from '../../src/project/rust-docker-project';
import { MultiArchStrategy } from '../../src/settings';
import { fixtureOutdir } from '../util/fixture-project';
import { lintWorkflow } from '../util/workflow-lint';

// The workflow as users get it: through the RustDockerProject type, on the fixture repos.
describe.each(['single-crate', 'docker-app', 'docker-workspace'])('RustDockerProject on %s', (fixture) => {
  test.each([
    ['defaults', {}],
    ['native multi-arch, attested and signed, http probe', { platforms: ['linux/amd64', 'linux/arm64'], attestProvenance: true, sign: true, e2e: { httpProbe: { port: 8080, path: '/healthz' } } }],
    ['cross-compiled', { platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.CROSS_COMPILE }],
  ])('%s: a clean workflow whose E2E is the docker:e2e task', async (_name, options) => {
    // GIVEN the project type with these options / WHEN synthesized
    const out = Testing.synth(new RustDockerProject({ name: 'svc', outdir: fixtureOutdir(fixture), ...options }));
    const text: string = out['.github/workflows/docker.yml'];
    // THEN the workflow has no findings
    expect(await lintWorkflow(text, 'docker.yml')).toEqual([]);
    // AND the local task runs the same E2E scripts as CI runs against each platform's image
    const e2e = YAML.parse(text).jobs.image.steps.filter((s: any) => s.id.startsWith('e2e_'));
    const images: string[] = [...new Set<string>(e2e.map((s: any) => s.env.IMAGE))];
    const taskRuns = out['.projen/tasks.json'].tasks['docker:e2e'].steps.filter((s: any) => s.exec).map((s: any) => s.exec);
    for (const image of images) expect(taskRuns).toEqual(e2e.filter((s: any) => s.env.IMAGE === image).map((s: any) => s.run));
    expect(e2e.length).toBeGreaterThan(0);
    // one image under test per job, one per platform when a job builds several
    expect(images).toHaveLength((options as { multiArchStrategy?: MultiArchStrategy }).multiArchStrategy === MultiArchStrategy.CROSS_COMPILE ? 2 : 1);
  });
});
