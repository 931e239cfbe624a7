import { RustDockerError } from '../../src/errors';
import { Presets } from '../../src/presets/builtin-presets';
import { applyPresets, RustDockerPreset } from '../../src/presets/rust-docker-preset';
import { ActionPinning, DependencyCaching, RuntimeBase } from '../../src/settings';

const acme: RustDockerPreset = {
  name: 'acme',
  settings: {
    runtime: RuntimeBase.DISTROLESS_CC,
    uid: 4242,
    buildPackages: ['pkg-config'],
    labels: { 'org.acme.team': 'platform', 'org.acme.tier': 'gold' },
    e2e: { smokeArgs: ['--help'], commands: ['echo acme'] },
  },
  forced: {
    imageName: 'registry.acme.dev/services/api',
    actionPinning: ActionPinning.COMMIT_SHA,
    labels: { 'org.acme.owner': 'platform' },
    runtimePackages: ['tzdata'],
  },
};

describe('applyPresets: defaults → presets → project → forced', () => {
  test('a preset value applies when the project says nothing', () => {
    // GIVEN a preset choosing distroless WHEN the project sets nothing
    const { settings, provenance } = applyPresets([acme], {});
    // THEN the preset's value is effective, and its source is known
    expect(settings.runtime).toBe(RuntimeBase.DISTROLESS_CC);
    expect(provenance.runtime).toBe('preset "acme"');
  });

  test('the project overrides a preset default', () => {
    // GIVEN a preset uid WHEN the project sets its own
    const { settings, provenance } = applyPresets([acme], { uid: 1000 });
    // THEN the project's wins
    expect(settings.uid).toBe(1000);
    expect(provenance.uid).toBe('the project');
  });

  test('later presets override earlier ones', () => {
    // GIVEN two presets setting the same option
    const second: RustDockerPreset = { name: 'team', settings: { uid: 7 } };
    // WHEN applied in order
    const { settings } = applyPresets([acme, second], {});
    // THEN the later preset wins
    expect(settings.uid).toBe(7);
  });

  test('forced values win and agreeing project values are fine', () => {
    // GIVEN a forced image name WHEN the project sets the same value
    const { settings } = applyPresets([acme], { imageName: 'registry.acme.dev/services/api' });
    // THEN it is effective
    expect(settings.imageName).toBe('registry.acme.dev/services/api');
    expect(settings.actionPinning).toBe(ActionPinning.COMMIT_SHA);
  });

  test('a project value that contradicts a forced one is an error naming both', () => {
    // GIVEN a forced image name WHEN the project sets another
    // THEN synthesis stops with a message naming the option, both values and the fix
    expect(() => applyPresets([acme], { imageName: 'ghcr.io/me/api' })).toThrow(RustDockerError);
    expect(() => applyPresets([acme], { imageName: 'ghcr.io/me/api' })).toThrow(
      /option "imageName": preset "acme" \(forced\) forces "registry.acme.dev\/services\/api", but the project sets "ghcr.io\/me\/api"\. Remove "imageName"/);
  });

  test('forced map keys conflict per key only', () => {
    // GIVEN a forced label WHEN the project adds other labels THEN no conflict, all merged
    const { settings } = applyPresets([acme], { labels: { 'org.acme.tier': 'silver', 'extra': 'x' } });
    expect(settings.labels).toEqual({ 'org.acme.team': 'platform', 'org.acme.tier': 'silver', 'extra': 'x', 'org.acme.owner': 'platform' });
    // WHEN the project sets the forced label to another value THEN it is an error on that key
    expect(() => applyPresets([acme], { labels: { 'org.acme.owner': 'me' } })).toThrow(/option "labels.org.acme.owner"/);
  });

  test('lists append (presets first, duplicates dropped), forced list items cannot be removed', () => {
    // GIVEN preset build packages and forced runtime packages WHEN the project adds its own
    const { settings } = applyPresets([acme], { buildPackages: ['libssl-dev', 'pkg-config'], runtimePackages: ['curl'] });
    // THEN they append in layer order without duplicates
    expect(settings.buildPackages).toEqual(['pkg-config', 'libssl-dev']);
    expect(settings.runtimePackages).toEqual(['curl', 'tzdata']);
  });

  test('other lists replace', () => {
    // GIVEN preset smoke args WHEN the project sets its own THEN they replace; e2e commands append
    const { settings } = applyPresets([acme], { e2e: { smokeArgs: ['version'], commands: ['echo mine'] } });
    expect(settings.e2e?.smokeArgs).toEqual(['version']);
    expect(settings.e2e?.commands).toEqual(['echo acme', 'echo mine']);
  });

  test('two presets forcing different values conflict', () => {
    // GIVEN two presets forcing different runtimes THEN applying both is an error
    const a: RustDockerPreset = { name: 'a', forced: { runtime: RuntimeBase.DISTROLESS_CC } };
    const b: RustDockerPreset = { name: 'b', forced: { runtime: RuntimeBase.DEBIAN_SLIM } };
    expect(() => applyPresets([a, b], {})).toThrow(/preset "a" \(forced\) forces "distroless-cc", but preset "b" \(forced\) sets "debian-slim"/);
  });

  test('unknown options in a preset are rejected', () => {
    // GIVEN a preset written in plain JS with a typo
    const typo = { name: 'typo', settings: { runtme: 'x' } } as unknown as RustDockerPreset;
    // THEN it is rejected, naming the option
    expect(() => applyPresets([typo], {})).toThrow(/option "runtme": preset "typo" sets an unknown option/);
  });

  test('presets need a unique name', () => {
    expect(() => applyPresets([{ name: '' }], {})).toThrow(/option "presets": a preset has no name/);
    expect(() => applyPresets([acme, acme], {})).toThrow(/preset "acme" is applied twice/);
  });

  test('a list-valued option given a scalar is rejected', () => {
    const bad = { name: 'bad', settings: { buildPackages: 'libssl-dev' } } as unknown as RustDockerPreset;
    expect(() => applyPresets([bad], {})).toThrow(/option "buildPackages": preset "bad" sets "libssl-dev", which is not a list/);
  });
});

describe('built-in presets', () => {
  test('hardened forces SHA pinning and non-root', () => {
    // GIVEN the hardened preset WHEN a project tries to run as root THEN it is refused
    expect(() => applyPresets([Presets.hardened()], { runAsRoot: true })).toThrow(/option "runAsRoot": preset "hardened" \(forced\) forces false/);
    // AND its defaults apply
    const { settings } = applyPresets([Presets.hardened()], {});
    expect(settings).toMatchObject({
      runtime: RuntimeBase.DISTROLESS_CC,
      actionPinning: ActionPinning.COMMIT_SHA,
      provenance: true,
      sbom: true,
      sign: true,
      attestProvenance: true,
    });
  });

  test('fast pull requests uses the skeleton dependency layer', () => {
    const { settings } = applyPresets([Presets.fastPullRequests()], {});
    expect(settings.dependencyCaching).toBe(DependencyCaching.SKELETON);
  });
});
