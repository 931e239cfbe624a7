import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAIN_RS, cleanupTempDirs, fixture, pkgToml, tempRepo } from './cargo-test-util';
import { CargoWorkspace } from '../../src/cargo';

// Differential test: what the library infers must match `cargo metadata`
// (the library never runs cargo itself). Skipped when cargo is not installed.
const cargo = [
  ...(process.env.PATH ?? '').split(path.delimiter).map(d => path.join(d, 'cargo')),
  path.join(os.homedir(), '.cargo', 'bin', 'cargo'),
].find(p => fs.existsSync(p));
const describeWithCargo = cargo ? describe : describe.skip;

afterAll(cleanupTempDirs);

interface Summary {
  readonly members: string[];
  readonly defaultMembers: string[];
  readonly packages: string[];
}

/** Summary of `cargo metadata --offline --no-deps` for `dir`. */
function cargoSummary(dir: string): Summary {
  const out = execFileSync(cargo!, ['metadata', '--offline', '--no-deps', '--format-version', '1'], {
    cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CARGO_TERM_COLOR: 'never' },
  });
  const meta = JSON.parse(out);
  const rel = (p: string) => path.relative(dir, p).split(path.sep).join('/') || '.';
  const byId = new Map<string, any>(meta.packages.map((p: any) => [p.id, p]));
  const dirOf = (id: string) => rel(path.dirname(byId.get(id).manifest_path));
  return {
    members: meta.workspace_members.map(dirOf).sort(),
    defaultMembers: (meta.workspace_default_members ?? []).map((id: string) => byId.get(id).name).sort(),
    packages: meta.packages.map((p: any) => {
      const targets = p.targets.map((t: any) => {
        const kind = t.kind[0] === 'custom-build' ? 'build' : t.kind[0];
        const features = t['required-features']?.length ? `+${t['required-features'].join('+')}` : '';
        return `${kind}:${kind === 'build' ? '' : t.name}:${rel(t.src_path)}${features}`;
      }).sort();
      return `${p.name}@${p.version}|${p.edition}|${p.rust_version ?? '-'}|${p.default_run ?? '-'}|${targets.join(',')}`;
    }).sort(),
  };
}

/** The same summary from the library's facts. */
function librarySummary(dir: string, cargoDefaultsToRoot: (ws: CargoWorkspace) => string[]): Summary {
  const ws = CargoWorkspace.load(dir);
  return {
    members: ws.facts.packages.map(p => p.dir).sort(),
    defaultMembers: (ws.facts.defaultMembers.length ? ws.facts.defaultMembers : cargoDefaultsToRoot(ws)).sort(),
    packages: ws.facts.packages.map(p => {
      const targets = [
        ...p.binaries.map(b => `bin:${b.name}:${b.path}${b.requiredFeatures.length ? `+${b.requiredFeatures.join('+')}` : ''}`),
        ...(p.lib ? [`lib:${p.lib.name}:${p.lib.path}`] : []),
        ...(p.buildScript ? [`build::${p.buildScript}`] : []),
        ...p.otherTargets.map(t => `${t.kind}:${t.name}:${t.path}`),
      ].sort();
      return `${p.name}@${p.version ?? '0.0.0'}|${p.edition ?? '2015'}|${p.rustVersion ?? '-'}|${p.defaultRun ?? '-'}|${targets.join(',')}`;
    }).sort(),
  };
}

/** cargo's implicit default members: the root package, else all members of a virtual workspace. */
function implicitDefaults(ws: CargoWorkspace): string[] {
  return ws.facts.rootPackage ? [ws.facts.rootPackage] : ws.facts.packages.map(p => p.name);
}

/** Drops autodiscovered examples/tests/benches from cargo's summary (the library lists explicit ones only). */
function withoutAutodiscoveredExtras(s: Summary, explicit: string[]): Summary {
  return {
    ...s,
    packages: s.packages.map(p => {
      const [head, targets] = [p.slice(0, p.lastIndexOf('|') + 1), p.slice(p.lastIndexOf('|') + 1)];
      const kept = targets.split(',').filter(t => !/^(example|test|bench):/.test(t) || explicit.includes(t.split(':')[1]));
      return head + kept.join(',');
    }),
  };
}

describeWithCargo('agrees with cargo metadata', () => {
  test.each(['single-crate', 'renamed-bin', 'multi-bin', 'glob-workspace', 'workspace-inheritance', 'vendored'])('on the %s fixture', (name) => {
    // GIVEN a fixture repo
    const dir = fixture(name);
    // WHEN both read it / THEN they agree on members, default members, versions and targets
    expect(librarySummary(dir, implicitDefaults)).toEqual(cargoSummary(dir));
  });

  const cases: Array<[string, Record<string, string>]> = [
    ['edition 2015 with an explicit [[bin]] (no autodiscovery, legacy path)', {
      'Cargo.toml': pkgToml('old', '\n[[bin]]\nname = "renamed"\n', ''),
      'src/main.rs': MAIN_RS,
      'src/bin/extra.rs': MAIN_RS,
    }],
    ['autobins = false with an explicit [[bin]] and a library', {
      'Cargo.toml': pkgToml('app', 'autobins = false\n\n[[bin]]\nname = "tool"\nrequired-features = ["x"]\n\n[features]\nx = []\n'),
      'src/main.rs': MAIN_RS,
      'src/lib.rs': '',
      'src/bin/tool.rs': MAIN_RS,
      'src/bin/other/main.rs': MAIN_RS,
    }],
    ['custom build script, [lib] name and explicit example', {
      'Cargo.toml': pkgToml('app', 'build = "tools/gen.rs"\n\n[lib]\nname = "core_api"\n\n[[example]]\nname = "demo"\n'),
      'src/lib.rs': '',
      'tools/gen.rs': MAIN_RS,
      'examples/demo/main.rs': MAIN_RS,
    }],
    ['globs in the middle, exclude overridden by a literal member, path dependencies and default-members', {
      'Cargo.toml': '[workspace]\nresolver = "2"\nmembers = ["svc/*/server", "libs/special"]\nexclude = ["libs", "svc/b"]\ndefault-members = ["svc/*/server"]\n\n[workspace.dependencies]\nshared = { path = "libs/shared" }\n',
      'svc/a/server/Cargo.toml': pkgToml('a-server', '\n[dependencies]\nhelper = { path = "../../../helper" }\nshared = { workspace = true }\n'),
      'svc/a/server/src/main.rs': MAIN_RS,
      'svc/b/server/Cargo.toml': pkgToml('b-server'),
      'svc/b/server/src/main.rs': MAIN_RS,
      'helper/Cargo.toml': pkgToml('helper'),
      'helper/src/lib.rs': '',
      'libs/shared/Cargo.toml': pkgToml('shared'),
      'libs/shared/src/lib.rs': '',
      'libs/special/Cargo.toml': pkgToml('special'),
      'libs/special/src/main.rs': MAIN_RS,
    }],
  ];
  test.each(cases)('on a generated repo: %s', (_name, files) => {
    // GIVEN
    const dir = tempRepo(files);
    // WHEN / THEN
    expect(librarySummary(dir, implicitDefaults)).toEqual(withoutAutodiscoveredExtras(cargoSummary(dir), ['demo']));
  });
});
