import { fixtureFacts } from './plan-test-util';
import { CargoBinaryTarget, CargoPackageFacts, CargoWorkspaceFacts } from '../../src/cargo';
import { ImageInputs, imagesToRebuild, resolveImageInputs } from '../../src/plan/image-changes';

/** The inputs of the two images of test/fixtures/multi-image: api and worker, both using the shared lib. */
function multiImage(): ImageInputs[] {
  return resolveImageInputs(fixtureFacts('multi-image'), [
    { name: 'api', packages: ['api'] },
    { name: 'worker', packages: ['worker'] },
  ]);
}

describe('the build inputs of each image', () => {
  test('an image reads its member, its path dependency and the files every image reads', () => {
    // GIVEN the multi-image workspace (api and worker depend on crates/shared by path)
    // WHEN the inputs are computed
    const [api, worker] = multiImage();
    // THEN each lists its own folder, the shared lib, the manifests, the lock file and the Docker files
    expect(api).toEqual({ image: 'api', paths: ['.dockerignore', 'Cargo.lock', 'Cargo.toml', 'Dockerfile', 'crates/api', 'crates/shared'] });
    expect(worker.paths).toEqual(['.dockerignore', 'Cargo.lock', 'Cargo.toml', 'Dockerfile', 'crates/shared', 'crates/worker']);
  });

  test('path dependencies are followed transitively, the toolchain file, cargo config and vendored sources are shared', () => {
    // GIVEN a workspace where app → mid → leaf by path, with a toolchain file, a cargo config and vendored crates
    const ws = workspace([
      pkg('app', 'svc/app', ['lib/mid'], ['assets/index.html']),
      pkg('mid', 'lib/mid', ['lib/leaf']),
      pkg('leaf', 'lib/leaf'),
      pkg('other', 'svc/other'),
    ], { toolchainFile: 'rust-toolchain.toml', cargoConfigFile: '.cargo/config.toml', vendorDirs: ['vendor'] });
    // WHEN the inputs of an image of app are computed, with a Dockerfile elsewhere and no .dockerignore
    const [app] = resolveImageInputs(ws, [{ name: 'app', packages: ['app'] }], { dockerfile: 'docker/Dockerfile', dockerignore: null });
    // THEN leaf is in, other is not, and so is the compile-time input outside the member's folder
    expect(app.paths).toEqual([
      '.cargo/config.toml', 'Cargo.toml', 'assets/index.html', 'docker/Dockerfile', 'lib/leaf', 'lib/mid', 'rust-toolchain.toml', 'svc/app', 'vendor',
    ]);
  });

  test('a root package contributes its files, not the whole context', () => {
    // GIVEN a root package with a build script next to a member
    const root = { ...pkg('root', '.', ['crates/helper']), manifestPath: 'Cargo.toml', buildScript: 'build.rs', binaries: [bin('root', 'src/main.rs')] };
    const ws = workspace([root, pkg('helper', 'crates/helper'), pkg('tool', 'crates/tool')], {});
    // WHEN its inputs are computed
    const [image] = resolveImageInputs(ws, [{ name: 'root', packages: ['root'] }]);
    // THEN the member it uses is in, its sibling is not
    expect(image.paths).toEqual(['.dockerignore', 'Cargo.toml', 'Dockerfile', 'build.rs', 'crates/helper', 'src']);
    expect(imagesToRebuild([image], ['crates/tool/src/main.rs'])).toEqual([]);
  });

  test('an unknown package is a programming error', () => {
    // GIVEN an image naming no member WHEN its inputs are computed THEN it throws, naming it
    expect(() => resolveImageInputs(fixtureFacts('multi-image'), [{ name: 'x', packages: ['nope'] }])).toThrow(/"nope"/);
  });
});

describe('imagesToRebuild', () => {
  const inputs = multiImage();
  test.each([
    ['a change to the shared lib rebuilds both', ['crates/shared/src/lib.rs'], ['api', 'worker']],
    ['a worker-only change rebuilds the worker only', ['crates/worker/src/main.rs'], ['worker']],
    ['a Cargo.lock change rebuilds both', ['Cargo.lock'], ['api', 'worker']],
    ['a README change rebuilds none', ['README.md'], []],
    ['a Dockerfile change rebuilds both', ['Dockerfile'], ['api', 'worker']],
    ['a .dockerignore change rebuilds both', ['./.dockerignore'], ['api', 'worker']],
    ['a root manifest change rebuilds both', ['Cargo.toml'], ['api', 'worker']],
    ['changes to api and docs rebuild api', ['docs/x.md', 'crates/api/Cargo.toml'], ['api']],
    ['a file whose name only starts like a member folder rebuilds none', ['crates/api-old/main.rs', 'crates/shared.md'], []],
    ['no change rebuilds none', [], []],
  ])('%s', (_label, changed, expected) => {
    // GIVEN the inputs of api and worker WHEN these files changed THEN exactly these images rebuild
    expect(imagesToRebuild(inputs, changed)).toEqual(expected);
  });
});

function bin(name: string, p: string): CargoBinaryTarget {
  return { name, packageName: name, path: p, requiredFeatures: [] };
}

function pkg(name: string, dir: string, pathDependencies: string[] = [], compileInputs: string[] = []): CargoPackageFacts {
  return {
    name,
    dir,
    manifestPath: `${dir}/Cargo.toml`,
    binaries: [],
    otherTargets: [],
    features: [],
    compileInputs,
    unresolvedInputs: [],
    missingBuildData: [],
    pathDependencies,
  };
}

function workspace(packages: CargoPackageFacts[], extra: Partial<CargoWorkspaceFacts>): CargoWorkspaceFacts {
  return {
    rootDir: '/ws',
    isWorkspace: true,
    packages,
    defaultMembers: [],
    binaries: packages.flatMap(p => p.binaries),
    lockNameClashes: [],
    toolchainTargets: [],
    toolchainComponents: [],
    vendorDirs: [],
    buildScripts: [],
    submodules: [],
    externalPathDependencies: [],
    ...extra,
  };
}
