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
 * `ActionPinning.COMMIT_SHA` (the default) writes `owner/action@<sha> # <version>`;
 * `MAJOR_VERSION` writes `owner/action@<major>`. Every row is checked the same way before it is
 * changed: the release tag resolved to its commit in the action's repository
 * (`git rev-list -n1 <version>`), and the runtime its `action.yml` declares at that commit (Node 24
 * or composite: GitHub removed Node 20 from its runners on 2026-09-16). Users override single rows
 * with the `actionVersions` option (a tag or a full SHA); the generated Dependabot config and
 * Renovate understand the `@<sha> # <version>` form.
 */
export const ACTION_VERSIONS: { readonly [action: string]: ActionVersion } = {
  'actions/checkout': { major: 'v7', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  'actions/setup-node': { major: 'v7', sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  'actions/cache': { major: 'v5', sha: '27d5ce7f107fe9357f9df03efb73ab90386fccae', version: 'v5.0.5' },
  'actions/upload-artifact': { major: 'v7', sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
  'actions/download-artifact': { major: 'v8', sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
  'actions/attest-build-provenance': { major: 'v4', sha: 'a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32', version: 'v4.1.0' },
  'actions/attest': { major: 'v4', sha: '1e69f48acb82d1966a394da916b4c1698aa569d6', version: 'v4.2.2' },
  'anchore/sbom-action': { major: 'v0', sha: 'e22c389904149dbc22b58101806040fa8d37a610', version: 'v0.24.0' },
  'anchore/scan-action': { major: 'v7', sha: 'e1165082ffb1fe366ebaf02d8526e7c4989ea9d2', version: 'v7.4.0' },
  'docker/setup-qemu-action': { major: 'v4', sha: '96fe6ef7f33517b61c61be40b68a1882f3264fb8', version: 'v4.2.0' },
  'docker/setup-buildx-action': { major: 'v4', sha: '37fe631027851001ddb9b187196cc803df7f5f0e', version: 'v4.3.0' },
  'docker/metadata-action': { major: 'v6', sha: 'dc802804100637a589fabce1cb79ff13a1411302', version: 'v6.2.0' },
  'docker/login-action': { major: 'v4', sha: '4907a6ddec9925e35a0a9e82d7399ccc52663121', version: 'v4.1.0' },
  'docker/build-push-action': { major: 'v7', sha: '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a', version: 'v7.3.0' },
  'sigstore/cosign-installer': { major: 'v4', sha: '6f9f17788090df1f26f669e9d70d6ae9567deba6', version: 'v4.1.2' },
  // the newest release whose tag could be checked (v3.4.0's could not); still Node 20: to be replaced
  'reproducible-containers/buildkit-cache-dance': { major: 'v3', sha: '653a570f730e3b9460adc576db523788ba59a0d7', version: 'v3.2.0' },
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
