import { checkForcedConflicts, mergeLayers, MergedSettings, SettingsLayer } from './settings-merge';
import { RustDockerError, showValue } from '../errors';
import { RustDockerSettings } from '../settings';

/**
 * An org-wide preset: settings a platform team decides once for every Rust service.
 *
 * Layers merge in one order: library defaults → presets (in the order given) → the project's
 * own settings → forced values (from every preset). Lists such as `buildPackages` append,
 * maps such as `labels` merge per key, everything else replaces (see README).
 */
export interface RustDockerPreset {
  /** Name shown in error messages, e.g. `acme`. */
  readonly name: string;

  /**
   * What the preset is for.
   * @default - none
   */
  readonly description?: string;

  /**
   * Defaults: the project's own settings override them.
   * @default - none
   */
  readonly settings?: RustDockerSettings;

  /**
   * Forced values: they win over the project, and a project setting that contradicts one is an error.
   * @default - none
   */
  readonly forced?: RustDockerSettings;
}

/** Label of a preset layer in messages and provenance. */
function presetSource(preset: RustDockerPreset, forced: boolean): string {
  return `preset ${showValue(preset.name)}${forced ? ' (forced)' : ''}`;
}

/** Source label of the project's own settings. */
export const PROJECT_SOURCE = 'the project';

/**
 * Merges presets and the project's settings: defaults → presets → project → forced.
 * Throws RustDockerError when a forced value is contradicted.
 */
export function applyPresets(presets: RustDockerPreset[], project: RustDockerSettings): MergedSettings {
  if (!Array.isArray(presets)) {
    throw RustDockerError.forOption('presets', `${showValue(presets)} is not a list of presets`, 'Give a list, e.g. [Presets.hardened()]');
  }
  const names = new Set<string>();
  for (const preset of presets) {
    if (typeof preset?.name !== 'string' || preset.name.trim() === '') {
      throw RustDockerError.forOption('presets', `a preset has no name (${showValue(preset)})`, 'Give every RustDockerPreset a non-empty "name"');
    }
    if (names.has(preset.name)) {
      throw RustDockerError.forOption('presets', `preset ${showValue(preset.name)} is applied twice`, 'List each preset once');
    }
    names.add(preset.name);
  }
  const projectLayer: SettingsLayer = { source: PROJECT_SOURCE, settings: project };
  const defaultLayers = presets.map((p): SettingsLayer => ({ source: presetSource(p, false), settings: p.settings ?? {} }));
  const forcedLayers = presets.filter(p => p.forced).map((p): SettingsLayer => ({ source: presetSource(p, true), settings: p.forced! }));
  for (const [i, forced] of forcedLayers.entries()) {
    checkForcedConflicts(forced, projectLayer);
    for (const other of forcedLayers.slice(i + 1)) {
      checkForcedConflicts(forced, other);
    }
  }
  return mergeLayers([...defaultLayers, projectLayer, ...forcedLayers]);
}
