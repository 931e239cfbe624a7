/**
 * The one table of every setting: its kind (checked at run time, for JavaScript callers and loosely
 * typed jsii languages), how it merges across preset layers, and whether its strings must be one line.
 * Preset merging, the type checks, the line-break checks, `pickRustDockerOptions` and the README's
 * merge table (kept in sync by a docs test) all read it. Internal: not exported through jsii.
 */
import { DebianRelease, DependencyCaching, RuntimeBase, TargetLibc } from './dockerfile-settings';
import { DockerIgnoreMode } from './dockerignore-settings';
import { ActionPinning, CacheBackend, MultiArchStrategy, PullRequestCache, VulnerabilitySeverity } from './workflow-settings';
import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { checkEnum, checkOneLine } from '../validators';

/** How a setting combines across layers (defaults → presets → project → forced). */
export enum MergeRule {
  /** A later layer's value replaces an earlier one. */
  REPLACE = 'replace',
  /** Lists concatenate, earlier layers first, duplicates dropped (`buildSecrets`: by id). */
  APPEND = 'append',
  /** Maps merge key by key; a later layer wins per key. */
  MAP = 'map',
  /** A struct whose fields merge by their own rules. */
  STRUCT = 'struct',
}

/** The JavaScript shape of a setting's value. */
export enum OptionKind {
  BOOLEAN = 'true or false',
  NUMBER = 'a number',
  STRING = 'a string',
  ENUM = 'an enum value',
  STRING_LIST = 'a list of strings',
  NUMBER_LIST = 'a list of numbers',
  STRING_MAP = 'an object of string values',
  STRUCT = 'an object',
  STRUCT_LIST = 'a list of objects',
}

/** One row of the schema. */
export interface OptionSpec {
  /** The shape of the value. */
  readonly kind: OptionKind;
  /** How layers combine it (default REPLACE). */
  readonly merge?: MergeRule;
  /** ENUM: the enum object and its name (for messages). */
  readonly enum?: { readonly values: { [key: string]: string }; readonly name: string };
  /** STRUCT / STRUCT_LIST: the fields. */
  readonly fields?: { [field: string]: OptionSpec };
  /** Strings of this setting go into one line of the Dockerfile: line breaks are refused. */
  readonly oneLine?: boolean;
}

const bool: OptionSpec = { kind: OptionKind.BOOLEAN };
const num: OptionSpec = { kind: OptionKind.NUMBER };
const str: OptionSpec = { kind: OptionKind.STRING };
const line: OptionSpec = { kind: OptionKind.STRING, oneLine: true };
const lines = (merge?: MergeRule): OptionSpec => ({ kind: OptionKind.STRING_LIST, oneLine: true, merge });
const map = (oneLine: boolean): OptionSpec => ({ kind: OptionKind.STRING_MAP, oneLine, merge: MergeRule.MAP });
const enumOf = (values: { [key: string]: string }, name: string): OptionSpec => ({ kind: OptionKind.ENUM, enum: { values, name } });

/** Every setting of `RustDockerSettings`, in the order of the README (a test compares it with the jsii assembly). */
export const OPTION_SCHEMA: { readonly [key: string]: OptionSpec } = {
  // Dockerfile
  dockerfilePath: line,
  binaries: lines(),
  packageName: line,
  features: lines(),
  noDefaultFeatures: bool,
  allFeatures: bool,
  cargoProfile: line,
  rustVersion: line,
  debianRelease: enumOf(DebianRelease, 'DebianRelease'),
  rustImage: line,
  dependencyCaching: enumOf(DependencyCaching, 'DependencyCaching'),
  chefImage: line,
  checkImageRelease: bool,
  glibcGuard: bool,
  auditable: bool,
  targetLibc: enumOf(TargetLibc, 'TargetLibc'),
  buildPackages: lines(MergeRule.APPEND),
  runtimePackages: lines(MergeRule.APPEND),
  runtime: enumOf(RuntimeBase, 'RuntimeBase'),
  runtimeImage: line,
  imageDigests: map(true),
  runAsRoot: bool,
  uid: num,
  workdir: line,
  ports: { kind: OptionKind.NUMBER_LIST },
  env: map(true),
  healthcheck: {
    kind: OptionKind.STRUCT,
    oneLine: true,
    fields: { command: lines(), intervalSeconds: num, timeoutSeconds: num, startPeriodSeconds: num, retries: num },
  },
  entrypoint: lines(),
  cmd: lines(),
  labels: map(true),
  buildSecrets: {
    kind: OptionKind.STRUCT_LIST,
    merge: MergeRule.APPEND,
    oneLine: true,
    fields: { id: line, env: line, required: bool, githubSecret: line },
  },
  crossCompile: bool,
  cargoBuildArgs: lines(),
  dockerfileSyntax: line,
  stopSignal: line,
  // .dockerignore
  dockerignore: bool,
  dockerignoreMode: enumOf(DockerIgnoreMode, 'DockerIgnoreMode'),
  dockerignoreAllow: lines(MergeRule.APPEND),
  dockerignoreDeny: lines(MergeRule.APPEND),
  // workflow
  workflow: bool,
  workflowName: str,
  imageName: str,
  registry: str,
  registryUsernameSecret: str,
  registryPasswordSecret: str,
  platforms: { kind: OptionKind.STRING_LIST },
  multiArchStrategy: enumOf(MultiArchStrategy, 'MultiArchStrategy'),
  cacheBackend: enumOf(CacheBackend, 'CacheBackend'),
  persistCacheMounts: bool,
  pullRequestCache: enumOf(PullRequestCache, 'PullRequestCache'),
  scheduledRebuild: bool,
  rebuildCron: str,
  branches: { kind: OptionKind.STRING_LIST },
  versionTags: bool,
  pullRequests: bool,
  push: bool,
  provenance: bool,
  sbom: bool,
  attestProvenance: bool,
  attestPrivateRepos: bool,
  attestSbom: bool,
  vulnerabilityGate: enumOf(VulnerabilitySeverity, 'VulnerabilitySeverity'),
  sign: bool,
  actionPinning: enumOf(ActionPinning, 'ActionPinning'),
  actionVersions: map(false),
  dependabot: bool,
  driftCheck: bool,
  amd64Runner: str,
  arm64Runner: str,
  e2e: {
    kind: OptionKind.STRUCT,
    merge: MergeRule.STRUCT,
    fields: {
      smokeTest: bool,
      smokeArgs: { kind: OptionKind.STRING_LIST },
      smokeSeconds: num,
      commands: { kind: OptionKind.STRING_LIST, merge: MergeRule.APPEND },
      httpProbe: {
        kind: OptionKind.STRUCT,
        fields: { port: num, path: str, timeoutSeconds: num, args: { kind: OptionKind.STRING_LIST }, env: map(false) },
      },
      composeFile: str,
      composeService: str,
      timeoutMinutes: num,
    },
  },
  composeE2e: { kind: OptionKind.STRUCT, fields: { file: str, service: str } },
};

/** The fields of an `ImageSettings` entry that override the shared setting of the same name (each a key of `OPTION_SCHEMA`). */
export const IMAGE_OVERRIDE_KEYS: readonly string[] = [
  'features', 'noDefaultFeatures', 'runtime', 'runtimePackages', 'ports', 'entrypoint', 'cmd', 'env', 'imageName', 'e2e',
];

/** Every setting a preset or a project may carry. */
export const SETTING_KEYS: readonly string[] = Object.keys(OPTION_SCHEMA);

/** The spec of a setting, or of `<setting>.<field>` inside a struct setting. */
export function optionSpec(key: string): OptionSpec | undefined {
  const [head, ...rest] = key.split('.');
  let spec: OptionSpec | undefined = OPTION_SCHEMA[head];
  for (const field of rest) spec = spec?.fields?.[field];
  return spec;
}

/** The merge rule of a setting (or of `<setting>.<field>` inside a struct setting). */
export function mergeRuleOf(key: string): MergeRule {
  return optionSpec(key)?.merge ?? MergeRule.REPLACE;
}

type Bag = { [key: string]: unknown };

/** Whether `value` is a plain object (not null, not a list). */
export function isPlainObject(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one layer of settings against the schema: known keys, the kind of every value (fields of
 * structs too), one-line strings. Every problem is recorded in `errors`, each naming the option;
 * `source` (e.g. `preset "acme"`) says where the layer came from.
 */
export function checkSettings(settings: unknown, source: string, errors: ErrorCollector): void {
  if (!isPlainObject(settings)) {
    errors.add(new RustDockerError({
      problem: `${source}: settings must be an object, got ${showValue(settings)}`, fix: 'Pass an object literal of RustDockerSettings',
    }));
    return;
  }
  for (const [key, value] of Object.entries(settings)) {
    const spec = OPTION_SCHEMA[key];
    if (spec === undefined) {
      errors.add(RustDockerError.forOption(key, `${source} sets an unknown option ${showValue(key)}`, 'Check the spelling against RustDockerSettings in API.md'));
    } else if (value !== undefined) {
      try {
        checkValue(key, spec, value, source);
      } catch (e) {
        if (!(e instanceof RustDockerError)) throw e;
        // name the preset a bad value came from, unless the message does already
        errors.add(e.problem.includes(source) || !source.startsWith('preset') ? e : e.with({ source }));
      }
    }
  }
}

function checkValue(option: string, spec: OptionSpec, value: unknown, source: string): void {
  const wrongKind = () => {
    throw RustDockerError.forOption(option, `${source} sets ${showValue(value)}, which is not ${spec.kind}`, `Pass ${spec.kind}`, { value });
  };
  const oneLine = (name: string, s: string) => { if (spec.oneLine) checkOneLine(name, s); };
  switch (spec.kind) {
    case OptionKind.BOOLEAN:
      if (typeof value !== 'boolean') wrongKind();
      return;
    case OptionKind.NUMBER:
      if (typeof value !== 'number') wrongKind();
      return;
    case OptionKind.STRING:
      if (typeof value !== 'string') wrongKind();
      return oneLine(option, value as string);
    case OptionKind.ENUM:
      checkEnum(option, value, spec.enum!.values, spec.enum!.name);
      return;
    case OptionKind.STRING_LIST:
    case OptionKind.NUMBER_LIST: {
      const itemType = spec.kind === OptionKind.STRING_LIST ? 'string' : 'number';
      if (!Array.isArray(value) || value.some(v => typeof v !== itemType)) wrongKind();
      (value as unknown[]).forEach(v => oneLine(option, v as string));
      return;
    }
    case OptionKind.STRING_MAP:
      if (!isPlainObject(value)) wrongKind();
      for (const [k, v] of Object.entries(value as Bag)) {
        if (typeof v !== 'string') {
          throw RustDockerError.forOption(`${option}.${k}`, `${showValue(v)} is not a string`, 'Pass a string value', { value: v });
        }
        oneLine(option, k);
        oneLine(`${option}.${k}`, v);
      }
      return;
    case OptionKind.STRUCT:
      if (!isPlainObject(value)) wrongKind();
      return checkFields(option, spec, value as Bag, source);
    case OptionKind.STRUCT_LIST:
      if (!Array.isArray(value) || value.some(v => !isPlainObject(v))) wrongKind();
      (value as Bag[]).forEach((item, i) => checkFields(`${option}[${i}]`, spec, item, source));
      return;
  }
}

function checkFields(option: string, spec: OptionSpec, value: Bag, source: string): void {
  for (const [field, v] of Object.entries(value)) {
    const fieldSpec = spec.fields![field];
    if (fieldSpec === undefined) {
      throw RustDockerError.forOption(`${option}.${field}`, `${source} sets an unknown field ${showValue(field)}`,
        `Use one of ${Object.keys(spec.fields!).join(', ')}`);
    }
    if (v !== undefined) checkValue(`${option}.${field}`, { ...fieldSpec, oneLine: fieldSpec.oneLine || spec.oneLine }, v, source);
  }
}
