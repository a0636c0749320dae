/** The BullMQ queue of the SLA timers. */
export const TIMER_QUEUE = 'sla-timers';
/** The BullMQ queue of the webhook deliveries of alerts. */
export const ALERT_DELIVERY_QUEUE = 'sla-alert-deliveries';
