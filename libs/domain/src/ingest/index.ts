export * from './ingest.envelope';
export * from './ingest-ledger';
