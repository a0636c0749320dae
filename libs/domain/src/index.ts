export * from './command';
export * from './domain-error';
export * from './stream-names';
export * from './customer';
export * from './ticket';
export * from './api-key';
export * from './reactions/customer-standing';
export * from './upcasters';
