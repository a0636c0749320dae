export * from './customer.commands';
export * from './customer.events';
export * from './customer.errors';
export * from './customer.state';
export * from './customer.decider';
export * from './flag-suggestion';
export * from './external-ref-claim';
