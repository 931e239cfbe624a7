/**
 * Reproducible digests: the generated Dockerfile of a small fixture, with the default runtime
 * (debian-slim, packages installed with apt), built for the same commit on two FRESH builders (two
 * runners that share nothing) with the flags the workflow's push uses — SOURCE_DATE_EPOCH from the
 * commit, the OCI label build args, `rewrite-timestamp=true` on the image output, provenance on —
 * gives the same image manifest digest. The index differs (the provenance attestation records the
 * build's own times), so the platform image of each index is compared.
 * Skipped (with the reason printed) when no engine/builder is reachable.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildImage, describeDocker, DOCKER_TEST_TIMEOUT, freshBuilder, prepareFixture, stopBuilder, uniqueTag } from '../util/docker';
import { generateDockerfile } from '../util/generate-dockerfile';

/** The commit time of the build (what the workflow's `source_date` step outputs). */
const EPOCH = '1709242200';
const CREATED = new Date(Number(EPOCH) * 1000).toISOString().replace(/\.000Z$/, 'Z');

/** A file of the image as the last layer that has it holds it (tar of each gzip layer, in order). */
function fileInImage(layout: string, layers: string[], file: string): string | undefined {
  let text: string | undefined;
  for (const layer of layers) {
    const r = spawnSync('tar', ['-xzOf', path.join(layout, 'blobs', ...layer.split(':')), file], { encoding: 'utf8' });
    if (r.status === 0) text = r.stdout;
  }
  return text;
}

/** The platform image manifest (digest and config) of an OCI layout written with `tar=false`. */
function platformImage(layout: string): { digest: string; config: any; layers: string[]; shadow?: string } {
  const blob = (digest: string) => JSON.parse(fs.readFileSync(path.join(layout, 'blobs', ...digest.split(':')), 'utf8'));
  let index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
  // index.json → the image index (with attestations) → the linux/amd64 manifest
  while (index.manifests.length === 1 && index.manifests[0].mediaType.endsWith('image.index.v1+json')) index = blob(index.manifests[0].digest);
  const entry = index.manifests.find((m: any) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64');
  const manifest = blob(entry.digest);
  const layers: string[] = manifest.layers.map((l: any) => l.digest);
  return { digest: entry.digest, config: blob(manifest.config.digest), layers, shadow: fileInImage(layout, layers, 'etc/shadow') };
}

describeDocker('reproducible image digest (real Docker, two fresh builders)', () => {
  test('the same commit built on two fresh builders gives the same platform image digest, dated by the commit', async () => {
    // GIVEN the generated Dockerfile of docker-app with the default runtime plus a runtime package
    const ctx = prepareFixture('docker-app');
    const dockerfile = generateDockerfile(ctx, { runtimePackages: ['ca-certificates', 'tzdata'] });
    expect(dockerfile).toContain('apt-get install');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-repro-'));
    const results: Array<{ digest: string; config: any; layers: string[]; shadow?: string; seconds: number }> = [];
    try {
      for (const name of ['repro-a', 'repro-b']) {
        // WHEN it is built on a fresh builder with the push's flags (no cache anywhere)
        const builder = freshBuilder(name);
        try {
          const layout = path.join(out, name);
          const r = await buildImage({
            context: ctx,
            dockerfile,
            tag: uniqueTag(name),
            builder,
            platform: 'linux/amd64',
            buildArgs: { SOURCE_DATE_EPOCH: EPOCH, OCI_CREATED: CREATED, OCI_REVISION: 'c0ffee', OCI_VERSION: 'main', OCI_SOURCE: 'https://github.com/acme/app' },
            output: `type=oci,dest=${layout},tar=false,rewrite-timestamp=true`,
            extraArgs: ['--provenance=mode=max'],
          });
          expect(r.log).not.toMatch(/^ERROR/m);
          expect(r.ok).toBe(true);
          results.push({ ...platformImage(layout), seconds: r.seconds });
        } finally {
          stopBuilder(builder);
        }
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    // eslint-disable-next-line no-console
    console.log(`reproducible digest: ${results.map(r => `${r.digest} (${r.seconds} s)`).join(' / ')}`);
    // THEN both builders produced the same image: same layers, same config, same manifest digest
    const [a, b] = results;
    expect(b.layers).toEqual(a.layers);
    expect(b.config).toEqual(a.config);
    expect(b.digest).toBe(a.digest);
    // AND the image is dated by the commit, not by the clock
    expect(a.config.created).toBe(CREATED);
    expect(a.config.config.Labels['org.opencontainers.image.created']).toBe(CREATED);
    // AND nothing records the day of the build, which two builders on one day share: the user's last password change is empty
    expect(a.shadow).toMatch(/^app:[^:]*::/m);
  }, DOCKER_TEST_TIMEOUT);
});
