/**
 * The second way to share a preset: an org project type published as its own jsii package
 * (examples/org-preset, `@acme/projen-rust-service`). Builds and packs it against this library,
 * then `projen new --from` it in a temp Rust repo. Uses the npm registry like a user's machine.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixtureOutdir } from '../util/fixture-project';
import { npmPack, packLibrary, PROJEN_VERSION, ROOT, run, tree } from '../util/npm';

describe('org project type package (@acme/projen-rust-service)', () => {
  jest.setTimeout(600_000);

  test('packs, and projen new --from it creates a service that follows the org preset', () => {
    // GIVEN this library packed, and the org package compiled with jsii against it
    const libTgz = packLibrary();
    const org = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-org-'));
    fs.cpSync(path.join(ROOT, 'examples', 'org-preset'), org, {
      recursive: true,
      filter: src => !/[\\/](node_modules|lib|\.jsii|tsconfig\.json)$/.test(src),
    });
    fs.mkdirSync(path.join(org, 'node_modules'));
    for (const pkg of ['projen', 'constructs']) {
      fs.symlinkSync(path.join(ROOT, 'node_modules', pkg), path.join(org, 'node_modules', pkg));
    }
    fs.symlinkSync(ROOT, path.join(org, 'node_modules', 'projen-rust-docker'));
    run(path.join(ROOT, 'node_modules', '.bin', 'jsii'), ['--silence-warnings=reserved-word'], { cwd: org });
    const orgTgz = npmPack(org);

    // AND a Rust repo where the base library is installed (as npm would from the registry)
    const repo = fixtureOutdir('single-crate');
    fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ devDependencies: { 'projen-rust-docker': `file:${libTgz}` } }));

    // WHEN a new service is created from the org package
    run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', orgTgz, '--projen-version', PROJEN_VERSION, '--no-git'], { cwd: repo });

    // THEN the projenrc uses the org project type
    const rc = fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf-8');
    expect(rc).toMatch(/import \{ AcmeRustServiceProject \} from ["']@acme\/projen-rust-service["']/);
    // AND the generated files follow the org preset: distroless, UID 4242, SKELETON, forced label, SHA-pinned actions
    const dockerfile = fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf-8');
    expect(dockerfile).toContain('FROM gcr.io/distroless/cc-debian13');
    expect(dockerfile).toContain('USER 4242:4242');
    expect(dockerfile).toContain('AS skeleton');
    expect(dockerfile).toContain('com.acme.owner="platform"');
    const workflow = fs.readFileSync(path.join(repo, '.github/workflows/docker.yml'), 'utf-8');
    expect(workflow).toMatch(/uses: actions\/checkout@[0-9a-f]{40}/);
    expect(workflow).toContain(`ghcr.io/acme/${path.basename(repo).toLowerCase()}`);

    // WHEN npx projen runs twice THEN the second run changes nothing
    run('npx', ['projen'], { cwd: repo });
    const first = tree(repo);
    run('npx', ['projen'], { cwd: repo });
    expect(tree(repo)).toEqual(first);
  });
});
