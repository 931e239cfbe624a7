import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { RustDockerSettings } from '../settings';
import { checkSettings, isPlainObject, MergeRule, mergeRuleOf } from '../settings/option-schema';

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

/** Merges layers in order (earlier first), after checking every layer against the option schema (all problems at once). */
export function mergeLayers(layers: SettingsLayer[]): MergedSettings {
  const errors = new ErrorCollector();
  for (const layer of layers) checkSettings(layer.settings, layer.source, errors);
  errors.throwIfAny();
  const out: Bag = {};
  const provenance: { [key: string]: string } = {};
  for (const layer of layers) {
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
