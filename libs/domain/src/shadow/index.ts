export * from './external-sla';
export * from './zendesk-metric-events';
