import { RustDockerError, showValue } from '../errors';
import { RustDockerSettings } from '../project/rust-docker-settings';

/**
 * How a setting combines across layers (defaults → presets → project → forced).
 * Internal: the documented table is in README "Sharing an org-wide preset".
 */
export enum MergeRule {
  /** A later layer's value replaces an earlier one. */
  REPLACE = 'replace',
  /** Lists concatenate, earlier layers first, duplicates dropped. */
  APPEND = 'append',
  /** Maps merge key by key; a later layer wins per key. */
  MAP = 'map',
  /** A struct whose fields merge by their own rules. */
  STRUCT = 'struct',
}

/** Merge rule of every setting that is not REPLACE. Everything else replaces. */
const RULES: { [key: string]: MergeRule } = {
  buildPackages: MergeRule.APPEND,
  runtimePackages: MergeRule.APPEND,
  dockerignoreAllow: MergeRule.APPEND,
  dockerignoreDeny: MergeRule.APPEND,
  buildSecrets: MergeRule.APPEND,
  env: MergeRule.MAP,
  labels: MergeRule.MAP,
  imageDigests: MergeRule.MAP,
  actionVersions: MergeRule.MAP,
  e2e: MergeRule.STRUCT,
};

/** Rules inside STRUCT settings, by `<setting>.<field>`. */
const FIELD_RULES: { [key: string]: MergeRule } = {
  'e2e.commands': MergeRule.APPEND,
};

/**
 * Every setting a preset or a project may carry. Kept in sync with `RustDockerSettings`
 * by a test that reads the jsii assembly.
 */
export const SETTING_KEYS: readonly string[] = [
  // Dockerfile
  'dockerfilePath', 'binaries', 'packageName', 'features', 'noDefaultFeatures', 'allFeatures', 'cargoProfile',
  'rustVersion', 'debianRelease', 'rustImage', 'dependencyCaching', 'chefImage', 'checkImageRelease', 'glibcGuard', 'targetLibc', 'buildPackages', 'runtimePackages',
  'runtime', 'runtimeImage', 'imageDigests', 'runAsRoot', 'uid', 'workdir', 'ports', 'env', 'healthcheck',
  'entrypoint', 'cmd', 'labels', 'buildSecrets', 'crossCompile', 'cargoBuildArgs', 'dockerfileSyntax', 'stopSignal',
  // .dockerignore
  'dockerignore', 'dockerignoreMode', 'dockerignoreAllow', 'dockerignoreDeny',
  // workflow
  'workflow', 'workflowName', 'imageName', 'registry', 'registryUsernameSecret', 'registryPasswordSecret', 'platforms',
  'multiArchStrategy', 'cacheBackend', 'persistCacheMounts', 'branches', 'versionTags', 'pullRequests', 'push',
  'provenance', 'sbom', 'attestProvenance', 'sign', 'actionPinning', 'actionVersions', 'driftCheck', 'amd64Runner',
  'arm64Runner', 'e2e',
];

/** The merge rule of a setting (or of `<setting>.<field>` inside a struct setting). */
export function mergeRuleOf(key: string): MergeRule {
  return RULES[key] ?? FIELD_RULES[key] ?? MergeRule.REPLACE;
}

/** One layer of settings, with where it came from (for error messages). */
export interface SettingsLayer {
  /** e.g. `preset "acme"`, `the project`. */
  readonly source: string;
  /** The layer's settings. */
  readonly settings: RustDockerSettings;
}

/** The merged settings and, per setting, the layer that last set it. */
export interface MergedSettings {
  /** The effective settings. */
  readonly settings: RustDockerSettings;
  /** Setting key → source of its effective value (the last layer that set it). */
  readonly provenance: { [key: string]: string };
}

type Bag = { [key: string]: unknown };

function isPlainObject(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Identity of a list item for de-duplication (`buildSecrets` by id). */
function itemKey(item: unknown): string {
  if (isPlainObject(item) && typeof item.id === 'string') {
    return `id:${item.id}`;
  }
  return JSON.stringify(item);
}

function appendUnique(earlier: unknown[], later: unknown[]): unknown[] {
  const byKey = new Map<string, unknown>();
  for (const item of [...earlier, ...later]) {
    byKey.set(itemKey(item), item); // a later item with the same identity replaces the earlier one in place
  }
  return [...byKey.values()];
}

/** Checks a layer's shape: known keys only, lists are lists, maps are maps. */
export function checkLayer(layer: SettingsLayer): void {
  if (!isPlainObject(layer.settings)) {
    throw new RustDockerError(`${layer.source}: settings must be an object, got ${showValue(layer.settings)}. Pass an object literal of RustDockerSettings.`);
  }
  for (const [key, value] of Object.entries(layer.settings)) {
    if (!SETTING_KEYS.includes(key)) {
      throw RustDockerError.forOption(key, `${layer.source} sets an unknown option ${showValue(key)}`,
        'Check the spelling against RustDockerSettings in API.md');
    }
    if (value === undefined) continue;
    const rule = mergeRuleOf(key);
    if (rule === MergeRule.APPEND && !Array.isArray(value)) {
      throw RustDockerError.forOption(key, `${layer.source} sets ${showValue(value)}, which is not a list`, 'Pass an array');
    }
    if ((rule === MergeRule.MAP || rule === MergeRule.STRUCT) && !isPlainObject(value)) {
      throw RustDockerError.forOption(key, `${layer.source} sets ${showValue(value)}, which is not an object`, 'Pass an object literal');
    }
  }
}

function mergeValue(key: string, earlier: unknown, later: unknown): unknown {
  if (later === undefined) return earlier;
  if (earlier === undefined) return later;
  switch (mergeRuleOf(key)) {
    case MergeRule.APPEND:
      return appendUnique(earlier as unknown[], later as unknown[]);
    case MergeRule.MAP:
      return { ...(earlier as Bag), ...(later as Bag) };
    case MergeRule.STRUCT: {
      const out: Bag = { ...(earlier as Bag) };
      for (const [field, value] of Object.entries(later as Bag)) {
        out[field] = mergeValue(`${key}.${field}`, out[field], value);
      }
      return out;
    }
    default:
      return later;
  }
}

/** Merges layers in order (earlier first). */
export function mergeLayers(layers: SettingsLayer[]): MergedSettings {
  const out: Bag = {};
  const provenance: { [key: string]: string } = {};
  for (const layer of layers) {
    checkLayer(layer);
    for (const [key, value] of Object.entries(layer.settings)) {
      if (value === undefined) continue;
      out[key] = mergeValue(key, out[key], value);
      provenance[key] = layer.source;
    }
  }
  return { settings: out as RustDockerSettings, provenance };
}

/**
 * Fails when a layer sets a value that contradicts a forced one. Forced lists only add items
 * (nothing to contradict); forced maps and structs are checked per key.
 */
export function checkForcedConflicts(forced: SettingsLayer, layer: SettingsLayer): void {
  const conflict = (key: string, forcedValue: unknown, value: unknown) => {
    throw RustDockerError.forOption(key,
      `${forced.source} forces ${showValue(forcedValue)}, but ${layer.source} sets ${showValue(value)}`,
      `Remove "${key}" from ${layer.source}'s options (forced values cannot be overridden), or ask the preset's owners to stop forcing it`);
  };
  const check = (key: string, forcedValue: unknown, value: unknown) => {
    if (forcedValue === undefined || value === undefined) return;
    switch (mergeRuleOf(key)) {
      case MergeRule.APPEND:
        return;
      case MergeRule.MAP:
      case MergeRule.STRUCT:
        for (const [k, v] of Object.entries(forcedValue as Bag)) {
          const sub = `${key}.${k}`;
          const userValue = (value as Bag)[k];
          if (userValue === undefined) continue;
          if (mergeRuleOf(key) === MergeRule.STRUCT) {
            check(sub, v, userValue);
          } else if (!sameValue(v, userValue)) {
            conflict(sub, v, userValue);
          }
        }
        return;
      default:
        if (!sameValue(forcedValue, value)) conflict(key, forcedValue, value);
    }
  };
  for (const [key, forcedValue] of Object.entries(forced.settings)) {
    check(key, forcedValue, (layer.settings as Bag)[key]);
  }
}
