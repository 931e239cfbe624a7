import { AcmePresets } from '@acme/projen-rust-service';
import { RustDockerProject } from 'projen-rust-docker';

// A service that follows ACME's org-wide preset (examples/org-preset) and adds its own settings.
// Run `npm run example -- examples/acme-service` at the repository root to regenerate this folder.
const project = new RustDockerProject({
  name: 'acme-billing',
  imageName: 'ghcr.io/acme/billing',
  presets: [AcmePresets.standard()],
  // the project's own settings override the preset's defaults (not its forced values)
  platforms: ['linux/amd64'],
  labels: { 'com.acme.cost-center': 'billing' },
});

project.synth();
