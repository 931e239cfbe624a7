// Public (jsii) surface of the Cargo inference area. `CargoInferenceError` is
// deliberately not re-exported: jsii cannot model a class extending `Error`.
// Import it from './cargo/cargo-inference-error' inside the library; users can
// match it with `err.name === 'CargoInferenceError'`.
export * from './cargo-facts';
export * from './cargo-workspace';
