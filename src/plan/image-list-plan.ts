// Which images a repository ships (issue 14): the list given, or one per shipped binary of the default
// members when they have several and no `default-run`, else the one image of today. Pure.
import { CargoBinaryTarget, CargoWorkspaceFacts } from '../cargo/cargo-facts';
import { ErrorCollector, RustDockerError, showValue } from '../errors';

/**
 * Names of the stages of the generated Dockerfile besides the final images: an image named like one
 * would make `--target <name>` ambiguous. Kept equal to the Dockerfile's `STAGE` table by a test.
 */
export const INTERNAL_STAGE_NAMES: readonly string[] = ['base', 'binaries', 'builder', 'cargo-auditable', 'chef', 'glibc-guard', 'planner', 'runtime', 'runtime-base', 'skeleton'];

/** One requested image, as the user writes it (internal; the shape of a future `images` option entry). */
export interface ImageListEntry {
  /** Image name: the final Dockerfile stage (`--target <name>`) and the last part of the repository. */
  readonly name: string;
  /** Binaries it ships, the first one the entrypoint (default: the binary named like the image, else every binary of `packageName`). */
  readonly binaries?: string[];
  /** The package of its binaries (default: the package of the first binary). */
  readonly packageName?: string;
}

/** One planned image. */
export interface PlannedImage {
  /** Image name (final stage). */
  readonly name: string;
  /** Its package; undefined when the single image infers it as today (`binaries`/`packageName` options). */
  readonly packageName?: string;
  /** Its binaries, entrypoint first; undefined when the single image infers them as today. */
  readonly binaries?: string[];
}

/** The resolved list of images. */
export interface ImageList {
  /** The images, in the order given (or of the binaries). */
  readonly images: PlannedImage[];
  /** Whether the list was inferred (no `images` option). */
  readonly inferred: boolean;
  /** One line on what was chosen and why (for the Dockerfile header / synth output). */
  readonly summary: string;
}

const IMAGE_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

/** Most images inferred from the binaries (a package of many tools is not many services): more need `images`. */
const MAX_INFERRED_IMAGES = 16;

/**
 * Resolves the image list. Without `images`: one image per shipped binary (no `required-features`) of
 * the packages `cargo build` builds by default (`default-members`, else the root package, else every
 * member) when there are several and none of their packages sets `default-run`; otherwise one image
 * named `defaultName` whose binaries the single-image rules infer. Every bad entry is recorded in
 * `errors` (each naming the option, the value and the fix); the entries without error are returned.
 */
export function resolveImageList(
  images: ImageListEntry[] | undefined, ws: CargoWorkspaceFacts, defaultName: string, errors: ErrorCollector,
): ImageList {
  if (images === undefined) return inferImages(ws, defaultName);
  if (images.length === 0) {
    errors.add(RustDockerError.forOption('images', '[] lists no image', 'Name at least one image, or omit "images" to infer them from the binaries', { value: images }));
    return { images: [], inferred: false, summary: 'Images: none' };
  }
  const planned: PlannedImage[] = [];
  const names = new Map<string, number>();
  const owners = new Map<string, string>(); // binary key → image
  images.forEach((entry, i) => {
    const image = errors.attempt(() => resolveEntry(entry, i, ws, names, owners), undefined);
    if (image !== undefined) planned.push(image);
  });
  return { images: planned, inferred: false, summary: `Images: ${planned.map(describe).join('; ')} (from "images")` };
}

function inferImages(ws: CargoWorkspaceFacts, defaultName: string): ImageList {
  const defaultPackages = ws.defaultMembers.length > 0 ? ws.defaultMembers
    : ws.rootPackage !== undefined ? [ws.rootPackage] : ws.packages.map(p => p.name);
  const shipped = ws.binaries.filter(b => defaultPackages.includes(b.packageName) && b.requiredFeatures.length === 0);
  const defaultRun = ws.packages.some(p => defaultPackages.includes(p.name) && p.defaultRun !== undefined);
  const clash = shipped.find(b => INTERNAL_STAGE_NAMES.includes(b.name) || !IMAGE_NAME.test(b.name));
  const names = new Set(shipped.map(b => b.name));
  if (shipped.length > 1 && shipped.length <= MAX_INFERRED_IMAGES && !defaultRun && clash === undefined && names.size === shipped.length) {
    const images = shipped.map(b => ({ name: b.name, packageName: b.packageName, binaries: [b.name] }));
    return { images, inferred: true, summary: `Images: ${images.map(describe).join('; ')} (one per binary: ${shipped.length} binaries and no default-run)` };
  }
  const why = shipped.length <= 1 ? 'one binary' : shipped.length > MAX_INFERRED_IMAGES ? `${shipped.length} binaries, more than ${MAX_INFERRED_IMAGES} images are never inferred` : defaultRun ? 'default-run is set' : clash ? `binary ${showValue(clash.name)} cannot name an image` : 'binary names repeat across packages';
  return { images: [{ name: defaultName }], inferred: true, summary: `Images: ${defaultName} (one image: ${why})` };
}

function resolveEntry(
  entry: ImageListEntry, i: number, ws: CargoWorkspaceFacts, names: Map<string, number>, owners: Map<string, string>,
): PlannedImage {
  const at = `images[${i}]`;
  const name = entry.name;
  if (typeof name !== 'string' || !IMAGE_NAME.test(name)) {
    throw RustDockerError.forOption(`${at}.name`, `${showValue(name)} is not an image name`,
      'Use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, e.g. "api"', { value: name });
  }
  if (INTERNAL_STAGE_NAMES.includes(name)) {
    throw RustDockerError.forOption(`${at}.name`, `${showValue(name)} is the name of an internal stage of the generated Dockerfile`,
      `Rename the image (reserved: ${INTERNAL_STAGE_NAMES.join(', ')}), e.g. "${name}-svc"`, { value: name });
  }
  const first = names.get(name);
  if (first !== undefined) {
    throw RustDockerError.forOption(`${at}.name`, `${showValue(name)} is already the name of images[${first}]`, 'Give each image its own name', { value: name });
  }
  names.set(name, i);

  const available = () => ws.binaries.map(b => b.name).join(', ') || 'none';
  if (entry.packageName !== undefined && !ws.packages.some(p => p.name === entry.packageName)) {
    throw RustDockerError.forOption(`${at}.packageName`, `unknown package ${showValue(entry.packageName)}`,
      `Use one of the workspace members: ${ws.packages.map(p => p.name).join(', ')}`, { value: entry.packageName });
  }
  let binaries: CargoBinaryTarget[];
  if (entry.binaries !== undefined) {
    if (entry.binaries.length === 0) {
      throw RustDockerError.forOption(`${at}.binaries`, `image ${showValue(name)} has no binary ([])`,
        `Name the binaries it ships (available: ${available()}), or omit "binaries" to ship the one named like the image`, { value: entry.binaries });
    }
    binaries = entry.binaries.map(b => findBinary(ws, b, entry.packageName, `${at}.binaries`, available));
  } else if (entry.packageName !== undefined) {
    binaries = ws.binaries.filter(b => b.packageName === entry.packageName && b.requiredFeatures.length === 0);
    if (binaries.length === 0) {
      throw RustDockerError.forOption(`${at}.packageName`, `image ${showValue(name)} has no binary: package ${showValue(entry.packageName)} ships none`,
        `Choose a package with a binary, or set "${at}.binaries" (available: ${available()})`, { value: entry.packageName });
    }
  } else {
    const named = ws.binaries.filter(b => b.name === name);
    if (named.length !== 1) {
      throw RustDockerError.forOption(`${at}.binaries`, `image ${showValue(name)} has no binary: none is given and ${named.length === 0 ? 'no binary is' : 'several packages have a binary'} named ${showValue(name)}`,
        `Set "${at}.binaries" (available: ${available()})${named.length > 1 ? ` and "${at}.packageName"` : ''}`, { value: entry });
    }
    binaries = named;
  }
  const packageName = entry.packageName ?? binaries[0].packageName;
  const foreign = binaries.find(b => b.packageName !== packageName);
  if (foreign) {
    throw RustDockerError.forOption(`${at}.binaries`, `binary ${showValue(foreign.name)} belongs to package ${showValue(foreign.packageName)}, not ${showValue(packageName)}`,
      'One image builds one package: move it to an image of its own', { value: entry.binaries });
  }
  for (const b of binaries) {
    const key = `${b.packageName}\0${b.name}`;
    const other = owners.get(key);
    if (other !== undefined) {
      throw RustDockerError.forOption(`${at}.binaries`, `binary ${showValue(b.name)} is already shipped by image ${showValue(other)}`,
        `Ship each binary in one image: remove it from image ${showValue(name)} or from image ${showValue(other)}`, { value: b.name });
    }
  }
  for (const b of binaries) owners.set(`${b.packageName}\0${b.name}`, name);
  return { name, packageName, binaries: binaries.map(b => b.name) };
}

function findBinary(
  ws: CargoWorkspaceFacts, name: string, packageName: string | undefined, option: string, available: () => string,
): CargoBinaryTarget {
  let matches = ws.binaries.filter(b => b.name === name);
  if (matches.length > 1 && packageName !== undefined) matches = matches.filter(b => b.packageName === packageName);
  if (matches.length === 0) {
    throw RustDockerError.forOption(option, `unknown binary ${showValue(name)}`, `Available binaries: ${available()}`, { value: name });
  }
  if (matches.length > 1) {
    throw RustDockerError.forOption(option, `binary ${showValue(name)} exists in packages ${matches.map(m => m.packageName).join(' and ')}`,
      `Set "${option.replace(/\.binaries$/, '.packageName')}" to the package to build`, { value: name });
  }
  return matches[0];
}

function describe(image: PlannedImage): string {
  return image.binaries ? `${image.name} (${image.binaries.join(', ')} of package ${image.packageName})` : image.name;
}
