export { ALERT_KINDS, AlertDispatcher, alertSchema } from './alert';
export type { Alert, AlertKind, AlertSink } from './alert';
export {
  DEFAULT_TOLERANCE_SECONDS,
  IDEMPOTENCY_KEY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  unixSeconds,
  verifyWebhookSignature,
} from './webhook/webhook-signature';
export type { SignedParts, SignedRequest, Verification, WebhookReceiver } from './webhook/webhook-signature';
export {
  DEFAULT_WEBHOOK_RETRY,
  DEFAULT_WEBHOOK_RETRY_HORIZON,
  DELIVERY_STATES,
  DeliveryNotFound,
  DeliveryNotParked,
  InvalidAlertId,
  NoParkedDelivery,
  postAlert,
  shownUrl,
  startWebhookDeliveryWorker,
  WebhookAlertSink,
  WebhookRefused,
  WebhookRejected,
  WebhookTargetUnknown,
  WebhookUnreachable,
  webhookIdempotencyKey,
} from './webhook/webhook-alert-sink';
export type {
  AlertDelivery,
  ConfiguredWebhookTarget,
  DeliveryFilter,
  DeliveryLogger,
  DeliveryState,
  RedriveSelector,
  WebhookAlertSinkOptions,
  WebhookDeliveryWorkerOptions,
  WebhookTarget,
} from './webhook/webhook-alert-sink';
export { LogAlertSink } from './log/log-alert-sink';
export type { AlertLogger } from './log/log-alert-sink';
export { ALERT_SINK, AlertsMisconfigured, AlertsModule } from './alerts.module';
export type { AlertsModuleAsyncOptions, AlertsModuleOptions } from './alerts.module';
