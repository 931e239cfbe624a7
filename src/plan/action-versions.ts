import { RustDockerError, showValue } from '../errors';
import { ActionPinning } from '../settings';

/** One row of the action reference table. */
export interface ActionVersion {
  /** Major-version tag used with `ActionPinning.MAJOR_VERSION`, e.g. `v5`. */
  readonly major: string;
  /** Full commit SHA of `version`, used with `ActionPinning.COMMIT_SHA`. */
  readonly sha: string;
  /** The release the SHA belongs to, written as a `# vX.Y.Z` comment next to the SHA. */
  readonly version: string;
}

/**
 * The one table of action references the generated workflows use.
 *
 * Major versions are the default pin; the SHAs are the commits of the named releases (verify
 * them with `git ls-remote https://github.com/<action> refs/tags/<version>` when you bump a row).
 * Users override single rows with the `actionVersions` option (a tag or a full SHA); Renovate and
 * Dependabot understand the `@<sha> # <version>` form the workflow is written in.
 */
export const ACTION_VERSIONS: { readonly [action: string]: ActionVersion } = {
  'actions/checkout': { major: 'v5', sha: '08c6903cd8c0fde910a37f88322edcfb5dd907a8', version: 'v5.0.0' },
  'actions/setup-node': { major: 'v4', sha: '49933ea5288caeca8642d1e84afbd3f7d6820020', version: 'v4.4.0' },
  'actions/cache': { major: 'v4', sha: '5a3ec84eff668545956fd18022155c47e93e2684', version: 'v4.2.3' },
  'actions/upload-artifact': { major: 'v4', sha: 'ea165f8d65b6e75b540449e92b4886f43607fa02', version: 'v4.6.2' },
  'actions/download-artifact': { major: 'v4', sha: 'd3f86a106a0bac45b974a628896c90dbdf5c8093', version: 'v4.3.0' },
  'actions/attest-build-provenance': { major: 'v2', sha: 'e8998f949152b193b063cb0ec769d69d929409be', version: 'v2.4.0' },
  'actions/attest': { major: 'v4', sha: '1e69f48acb82d1966a394da916b4c1698aa569d6', version: 'v4.2.2' },
  'anchore/sbom-action': { major: 'v0', sha: 'e22c389904149dbc22b58101806040fa8d37a610', version: 'v0.24.0' },
  'anchore/scan-action': { major: 'v7', sha: 'e1165082ffb1fe366ebaf02d8526e7c4989ea9d2', version: 'v7.4.0' },
  'docker/setup-qemu-action': { major: 'v3', sha: '29109295f81e9208d7d86ff1c6c12d2833863392', version: 'v3.6.0' },
  'docker/setup-buildx-action': { major: 'v3', sha: 'e468171a9de216ec08956ac3ada2f0791b6bd435', version: 'v3.11.1' },
  'docker/metadata-action': { major: 'v5', sha: 'c1e51972afc2121e065aed6d45c65596fe445f3f', version: 'v5.8.0' },
  'docker/login-action': { major: 'v3', sha: '184bdaa0721073962dff0199f1fb9940f07167d1', version: 'v3.5.0' },
  'docker/build-push-action': { major: 'v6', sha: '263435318d21b8e681c14492fe198d362a7d2c83', version: 'v6.18.0' },
  'sigstore/cosign-installer': { major: 'v3', sha: '3454372f43399081ed03b604cb2d021dabca52bb', version: 'v3.8.2' },
  'reproducible-containers/buildkit-cache-dance': { major: 'v3', sha: '5422eac04292c961a382e0f584ea0f03ad9da723', version: 'v3.4.0' },
};

/** A resolved `uses:` reference. */
export interface ResolvedActionRef {
  /** The `uses:` value, `owner/action@ref`. */
  readonly uses: string;
  /** Comment written after a SHA pin (the release it belongs to). */
  readonly comment?: string;
}

const SHA = /^[0-9a-f]{40}$/;
const REF = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/**
 * Resolves every action of the table to a `uses:` reference.
 * `overrides` values are a tag/branch (`v6`), a full SHA, or `<sha> # <version>`.
 */
export function resolveActionRefs(
  pinning: ActionPinning,
  overrides: { [action: string]: string } = {},
): { [action: string]: ResolvedActionRef } {
  for (const action of Object.keys(overrides)) {
    if (!(action in ACTION_VERSIONS)) {
      throw RustDockerError.forOption(`actionVersions.${action}`, `${showValue(action)} is not an action the workflow uses`,
        `Use one of ${Object.keys(ACTION_VERSIONS).map(a => `"${a}"`).join(', ')}`);
    }
  }
  const result: { [action: string]: ResolvedActionRef } = {};
  for (const [action, row] of Object.entries(ACTION_VERSIONS)) {
    const override = overrides[action];
    if (override !== undefined) {
      result[action] = parseOverride(action, override);
      if (pinning === ActionPinning.COMMIT_SHA && !SHA.test(result[action].uses.slice(action.length + 1))) {
        throw RustDockerError.forOption(`actionVersions.${action}`, `${showValue(override)} is not a full commit SHA, but "actionPinning" is COMMIT_SHA`,
          'Give the full 40-character commit SHA of the version (optionally "<sha> # v1.2.3"), or use ActionPinning.MAJOR_VERSION');
      }
    } else if (pinning === ActionPinning.COMMIT_SHA) {
      result[action] = { uses: `${action}@${row.sha}`, comment: row.version };
    } else {
      result[action] = { uses: `${action}@${row.major}` };
    }
  }
  return result;
}

function parseOverride(action: string, value: string): ResolvedActionRef {
  const option = `actionVersions.${action}`;
  if (typeof value !== 'string') {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a string`, 'Give a tag such as "v6" or a full 40-character commit SHA');
  }
  const [ref, ...rest] = value.split('#');
  const refText = ref.trim();
  const comment = rest.join('#').trim();
  if (!REF.test(refText) || refText.includes('..') || value.includes('${{') || value.includes('\n')) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a git ref`, 'Give a tag such as "v6", a full 40-character commit SHA, or "<sha> # v6.1.0"');
  }
  if (comment && !SHA.test(refText)) {
    throw RustDockerError.forOption(option, `${showValue(value)} has a "# comment" but ${showValue(refText)} is not a full commit SHA`, 'Only a 40-character lowercase SHA takes a version comment; give the tag alone otherwise');
  }
  if (/^[0-9a-fA-F]{7,39}$/.test(refText) && !/^v/.test(refText)) {
    throw RustDockerError.forOption(option, `${showValue(refText)} looks like a short commit SHA`, 'GitHub only resolves full 40-character SHAs safely; give the full SHA');
  }
  return comment ? { uses: `${action}@${refText}`, comment } : { uses: `${action}@${refText}` };
}
