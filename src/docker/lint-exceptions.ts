/**
 * Every hadolint rule the generated Dockerfile silences, with the reason written above the ignore
 * (the oracle test, test/security/oracles.test.ts, runs hadolint over every option combination
 * and fails on any other error or warning).
 */
import { hadolintIgnore } from './dockerfile-instruction';
import { DockerStage } from './dockerfile-stage';
import { ImagePlan } from '../plan/image-plan';
import { runtimeBaseFacts } from '../plan/runtime-plan';

/** A rule exception: the hadolint rules and why they do not apply. */
interface LintException {
  readonly rules: string[];
  readonly reason: string;
}

/** DL3008 (apt packages without `=version`). */
export const APT_UNPINNED: LintException = {
  rules: ['DL3008'],
  reason: 'apt: versions follow the Debian release the image tag names (the archive drops a pinned version at its next security update; imageDigests pins the image)',
};

/** DL3018 (apk packages without `=version`). */
export const APK_UNPINNED: LintException = {
  rules: ['DL3018'],
  reason: 'apk: versions follow the Alpine release the image tag names (its repositories drop a pinned version at its next update; imageDigests pins the image)',
};

/** DL3008 + DL3018: a custom runtime image, which has apt-get or apk. */
export const ANY_UNPINNED: LintException = {
  rules: [...APT_UNPINNED.rules, ...APK_UNPINNED.rules],
  reason: 'apt/apk: versions follow the release the image tag names (the archives drop a pinned version at its next update; imageDigests pins the image)',
};

/** DL3006 (FROM without a tag) for the distroless images. */
export const DISTROLESS_UNTAGGED: LintException = {
  rules: ['DL3006'],
  reason: 'distroless publishes no release tags: the Debian release is in the image name and its default tag follows the security updates (imageDigests pins a digest)',
};

/** Writes the exception right above the next instruction of the stage. */
export function ignoreNext(stage: DockerStage, e: LintException): void {
  stage.lintIgnore(e.rules, e.reason);
}

/** Whether a FROM image has neither a tag nor a digest (so hadolint's DL3006 applies). */
export function untagged(image: string): boolean {
  return !image.includes('@') && !image.slice(image.lastIndexOf('/') + 1).includes(':');
}

/** The comment above the runtime image's FROM: the distroless exception when its image has no tag. */
export function runtimeFromComment(p: ImagePlan): string | undefined {
  if (!runtimeBaseFacts(p.runtime.base).distroless || !untagged(p.runtime.image)) return undefined;
  return hadolintIgnore('fromComment', DISTROLESS_UNTAGGED.rules, DISTROLESS_UNTAGGED.reason);
}
