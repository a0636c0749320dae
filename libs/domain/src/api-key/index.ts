export * from './api-key.commands';
export * from './api-key.events';
export * from './api-key.errors';
export * from './api-key.decider';
