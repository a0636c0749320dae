export type { Actor, Command, CommandMetadata, Decider, DomainEvent } from './decider';
