import { MAIN_RS, catchCargoError, cleanupTempDirs, pkgToml, tempRepo } from './cargo-test-util';
import { CargoWorkspace } from '../../src/cargo';

afterAll(cleanupTempDirs);

function memberDirs(dir: string): string[] {
  return CargoWorkspace.load(dir).facts.packages.map(p => `${p.name}@${p.dir}`);
}

describe('workspace members', () => {
  test('a glob in the middle of a path expands every matching folder', () => {
    // GIVEN members = ["services/*/server"]
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["services/*/server"]\nresolver = "2"\n',
      'services/a/server/Cargo.toml': pkgToml('a-server'),
      'services/a/server/src/main.rs': MAIN_RS,
      'services/b/server/Cargo.toml': pkgToml('b-server'),
      'services/b/server/src/main.rs': MAIN_RS,
      'services/c/client/Cargo.toml': pkgToml('c-client'),
      'services/c/client/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(memberDirs(dir)).toEqual(['a-server@services/a/server', 'b-server@services/b/server']);
  });

  test('?, [..] and ** glob syntax is supported', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["x?", "lib[12]", "deep/**/pkg"]\n',
      'x1/Cargo.toml': pkgToml('x1'),
      'x1/src/lib.rs': '',
      'x10/Cargo.toml': pkgToml('x10'),
      'x10/src/lib.rs': '',
      'lib1/Cargo.toml': pkgToml('lib1'),
      'lib1/src/lib.rs': '',
      'lib3/Cargo.toml': pkgToml('lib3'),
      'lib3/src/lib.rs': '',
      'deep/pkg/Cargo.toml': pkgToml('d0'),
      'deep/pkg/src/lib.rs': '',
      'deep/a/b/pkg/Cargo.toml': pkgToml('d2'),
      'deep/a/b/pkg/src/lib.rs': '',
    });
    // WHEN / THEN
    expect(memberDirs(dir)).toEqual(['d2@deep/a/b/pkg', 'd0@deep/pkg', 'lib1@lib1', 'x1@x1']);
  });

  test('glob matches without a Cargo.toml and plain files are skipped', () => {
    // GIVEN crates/docs has no Cargo.toml and crates/README.md is a file
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
      'crates/api/Cargo.toml': pkgToml('api'),
      'crates/api/src/main.rs': MAIN_RS,
      'crates/docs/index.md': '',
      'crates/README.md': '',
    });
    // WHEN / THEN
    expect(memberDirs(dir)).toEqual(['api@crates/api']);
  });

  test('exclude removes glob matches and everything below an excluded folder', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["crates/*", "tools/*"]\nexclude = ["tools", "crates/old"]\n',
      'crates/api/Cargo.toml': pkgToml('api'),
      'crates/api/src/main.rs': MAIN_RS,
      'crates/old/Cargo.toml': pkgToml('old'),
      'crates/old/src/main.rs': MAIN_RS,
      'tools/gen/Cargo.toml': pkgToml('gen'),
      'tools/gen/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(memberDirs(dir)).toEqual(['api@crates/api']);
  });

  test('a literal members entry wins over exclude (like cargo)', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["crates/*", "crates/special"]\nexclude = ["crates"]\n',
      'crates/api/Cargo.toml': pkgToml('api'),
      'crates/api/src/main.rs': MAIN_RS,
      'crates/special/Cargo.toml': pkgToml('special'),
      'crates/special/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(memberDirs(dir)).toEqual(['special@crates/special']);
  });

  test('path dependencies inside the workspace folder become members, transitively; outside ones do not', () => {
    // GIVEN the root package depends on crates/a (path) and ../far-away (outside the root),
    // crates/a dev-depends on b through [workspace.dependencies], b depends on ../c for unix
    const dir = tempRepo({
      'Cargo.toml': pkgToml('root', '\n[dependencies]\na = { path = "crates/a" }\nfar = { path = "../far-away" }\n\n[workspace]\n\n[workspace.dependencies]\nb = { path = "crates/b" }\n'),
      'src/main.rs': MAIN_RS,
      'crates/a/Cargo.toml': pkgToml('a', '\n[dev-dependencies]\nb = { workspace = true }\n'),
      'crates/a/src/lib.rs': '',
      'crates/b/Cargo.toml': pkgToml('b', '\n[target.\'cfg(unix)\'.dependencies]\nc = { path = "../c" }\n'),
      'crates/b/src/lib.rs': '',
      'crates/c/Cargo.toml': pkgToml('c'),
      'crates/c/src/lib.rs': '',
    });
    // WHEN / THEN
    expect(memberDirs(dir)).toEqual(['root@.', 'a@crates/a', 'b@crates/b', 'c@crates/c']);
    // AND each package lists its path dependencies inside the root (dev and target tables too, the outside one not)
    expect(CargoWorkspace.load(dir).facts.packages.map(p => [p.name, p.pathDependencies])).toEqual([
      ['root', ['crates/a']], ['a', ['crates/b']], ['b', ['crates/c']], ['c', []],
    ]);
  });

  test('a single package without [workspace] has no members besides itself, even with path dependencies', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': pkgToml('solo', '\n[dependencies]\nhelper = { path = "helper" }\n'),
      'src/main.rs': MAIN_RS,
      'helper/Cargo.toml': pkgToml('helper'),
      'helper/src/lib.rs': '',
    });
    // WHEN
    const ws = CargoWorkspace.load(dir);
    // THEN
    expect(ws.facts.isWorkspace).toBe(false);
    expect(ws.facts.packages.map(p => p.name)).toEqual(['solo']);
  });

  test('default-members accepts globs and skips excluded members; without it the list is empty', () => {
    // GIVEN
    const withDefaults = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["apps/*"]\nexclude = ["apps/old"]\ndefault-members = ["apps/*"]\n',
      'apps/old/Cargo.toml': pkgToml('old'),
      'apps/old/src/main.rs': MAIN_RS,
      'apps/one/Cargo.toml': pkgToml('one'),
      'apps/one/src/main.rs': MAIN_RS,
      'apps/two/Cargo.toml': pkgToml('two'),
      'apps/two/src/main.rs': MAIN_RS,
    });
    const withoutDefaults = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["one"]\n',
      'one/Cargo.toml': pkgToml('one'),
      'one/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(CargoWorkspace.load(withDefaults).facts.defaultMembers).toEqual(['one', 'two']);
    expect(CargoWorkspace.load(withoutDefaults).facts.defaultMembers).toEqual([]);
  });

  test('rust-version of a virtual workspace falls back to [workspace.package], then to the highest member version', () => {
    // GIVEN
    const wsPackage = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["a"]\n\n[workspace.package]\nrust-version = "1.70"\n',
      'a/Cargo.toml': pkgToml('a', 'rust-version = "1.82"\n'),
      'a/src/main.rs': MAIN_RS,
    });
    const maxOfMembers = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["a", "b", "c"]\n',
      'a/Cargo.toml': pkgToml('a', 'rust-version = "1.9"\n'),
      'a/src/main.rs': MAIN_RS,
      'b/Cargo.toml': pkgToml('b', 'rust-version = "1.80.1"\n'),
      'b/src/main.rs': MAIN_RS,
      'c/Cargo.toml': pkgToml('c'),
      'c/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(CargoWorkspace.load(wsPackage).facts.rustVersion).toBe('1.70');
    expect(CargoWorkspace.load(maxOfMembers).facts.rustVersion).toBe('1.80.1');
  });
});

describe('workspace member errors', () => {
  test('a literal member path that does not exist is rejected', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': '[workspace]\nmembers = ["crates/missing"]\n' });
    // WHEN
    const err = catchCargoError(() => CargoWorkspace.load(dir));
    // THEN
    expect(err.message).toBe('workspace member "crates/missing" listed in "workspace.members" of Cargo.toml cannot be read: the directory "crates/missing" does not exist. Fix the path or remove it from "workspace.members".');
  });

  test('a literal member folder without Cargo.toml is rejected', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': '[workspace]\nmembers = ["docs"]\n', 'docs/README.md': '' });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^workspace member "docs" .*: docs\/Cargo\.toml does not exist\./);
  });

  test('a path dependency inside the workspace without Cargo.toml is rejected', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["app"]\n',
      'app/Cargo.toml': pkgToml('app', '\n[dependencies]\nghost = { path = "../ghost" }\n'),
      'app/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^path dependency "ghost" of package "app" cannot be read: the directory "ghost" does not exist/);
  });

  test('default-members that are not members are rejected', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["a"]\ndefault-members = ["b"]\n',
      'a/Cargo.toml': pkgToml('a'),
      'a/src/main.rs': MAIN_RS,
      'b/Cargo.toml': pkgToml('b'),
      'b/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^"workspace\.default-members" entry "b" in Cargo\.toml is not a workspace member/);
  });

  test('a member with its own [workspace] is rejected', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["a"]\n',
      'a/Cargo.toml': pkgToml('a', '\n[workspace]\n'),
      'a/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^nested workspace: a\/Cargo\.toml has its own \[workspace\] table/);
  });

  test('a member that is a virtual manifest (no [package]) is rejected', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': '[workspace]\nmembers = ["a"]\n', 'a/Cargo.toml': '[dependencies]\n' });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toBe('no [package] table in a/Cargo.toml. Add a [package] section with a name, or remove "a" from the workspace members.');
  });

  test('inheriting from [workspace.package] a key it does not define is rejected', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["a"]\n\n[workspace.package]\nedition = "2021"\n',
      'a/Cargo.toml': '[package]\nname = "a"\nversion.workspace = true\n',
      'a/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message)
      .toBe('"package.version" in a/Cargo.toml inherits from the workspace, but the root Cargo.toml has no "workspace.package.version". Add version to [workspace.package] in the root Cargo.toml or set it in a/Cargo.toml.');
  });

  test('loading a member folder on its own (inheriting, no [workspace]) tells to point cargoDir at the workspace root', () => {
    // GIVEN a workspace member is loaded directly
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["a"]\n\n[workspace.package]\nversion = "1.0.0"\n',
      'a/Cargo.toml': '[package]\nname = "a"\nversion.workspace = true\n',
      'a/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(`${dir}/a`)).message).toMatch(/inherits from a workspace.*Set the "cargoDir" option to the folder of the workspace root Cargo\.toml\.$/);
  });
});
