export * from './command';
export * from './domain-error';
export * from './stream-names';
export * from './policy-version-published';
export * from './customer';
export * from './ticket';
export * from './api-key';
export * from './upcasters';
