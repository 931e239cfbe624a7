export * from './cargo-inference-error';
export * from './cargo-workspace';
