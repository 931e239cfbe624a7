import { RustDockerProject } from 'projen-rust-docker';

// The example service's projen definition. Run `npm run example` at the repository root to
// (re)generate this folder's Dockerfile, .dockerignore and .github/workflows/docker.yml.
const project = new RustDockerProject({
  name: 'hello-service',
  imageName: 'ghcr.io/acme/hello-service',
  ports: [8080],
  e2e: {
    httpProbe: { port: 8080, path: '/health' },
  },
});

project.synth();
