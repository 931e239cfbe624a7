/** SKELETON's first stages, shared by one image and by several. */
import { buildPlatform, installBuildPackages, useBashWithPipefail, useToolchain } from './build-steps';
import { Dockerfile } from './dockerfile';
import { STAGE } from './dockerfile-layout';
import { DockerStage } from './dockerfile-stage';
import { dirOf, lockAwk, manifestAwk, stubFiles } from './skeleton-rewrite';
import { BUILD_DIR } from '../plan/builder-plan';
import { ImagePlan } from '../plan/image-plan';
import { shellWords } from '../shell';

/**
 * `base` (builder image, toolchain, build packages) and `skeleton` (every member's manifest and the lock
 * file with the own crates at version 0.0.0, and stub targets): what cargo needs to build the dependencies.
 */
export function skeletonStages(file: Dockerfile, p: ImagePlan): { base: DockerStage; skeleton: DockerStage } {
  const base = file.addStage({ from: p.builder.rustImage, name: STAGE.BASE, platform: buildPlatform(p) });
  useToolchain(base, p);
  base.workdir(BUILD_DIR);
  installBuildPackages(base, p);

  const stubs = stubFiles(p.cargo.packages);
  const skel = file.addStage({ from: STAGE.BASE, name: STAGE.SKELETON });
  skel.comment('manifests, lock file and stub targets: what cargo needs to build the dependencies.');
  skel.comment('Own crates get version 0.0.0 here, so a version bump does not rebuild the dependencies.');
  useBashWithPipefail(skel);
  skel.copy({ sources: p.cargo.locked ? ['Cargo.toml', 'Cargo.lock'] : ['Cargo.toml'], dest: './' });
  for (const pkg of p.cargo.packages.filter(x => x.dir !== '.')) {
    skel.copy({ sources: [pkg.manifestPath], dest: pkg.manifestPath });
  }
  const manifests = ['Cargo.toml', ...p.cargo.packages.filter(x => x.dir !== '.').map(x => x.manifestPath)];
  const dirs = [...new Set([...stubs.main, ...stubs.empty].map(dirOf).filter(d => d !== '.'))];
  const commands = manifests.length === 1
    ? [`awk '${manifestAwk()}' ${manifests[0]} > ${manifests[0]}.tmp`, `mv ${manifests[0]}.tmp ${manifests[0]}`]
    : [`for f in ${shellWords(manifests)}; do awk '${manifestAwk()}' "$f" > "$f.tmp"; mv "$f.tmp" "$f"; done`];
  if (p.cargo.locked) commands.push(`awk '${lockAwk(p.cargo.packages.map(x => `${x.name} ${x.version ?? '0.0.0'}`))}' Cargo.lock > Cargo.lock.tmp`, 'mv Cargo.lock.tmp Cargo.lock');
  if (dirs.length > 0) commands.push(`mkdir -p ${shellWords(dirs)}`);
  if (stubs.main.length > 0) commands.push(`echo 'fn main() {}' | tee ${shellWords(stubs.main)} > /dev/null`);
  if (stubs.empty.length > 0) commands.push(`touch ${shellWords(stubs.empty)}`);
  skel.runWith({ commands });
  return { base, skeleton: skel };
}
