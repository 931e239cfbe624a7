// The settings vocabulary: every option interface and enum users and presets write.
export * from './dockerfile-settings';
export * from './dockerignore-settings';
export * from './workflow-settings';
export * from './rust-docker-settings';
export * from './image-settings';
