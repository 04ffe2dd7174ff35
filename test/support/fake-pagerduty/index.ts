export { startFakePagerDuty } from './start-fake-pagerduty.js';
export {
  pagerDutyFixture,
  pagerDutySignature,
  sendSignedWebhook,
  signedWebhook,
  type SignedWebhook,
  type SignedWebhookOptions,
} from './send-signed-webhook.js';
export * from './default-directory.js';
export type * from './types.js';
