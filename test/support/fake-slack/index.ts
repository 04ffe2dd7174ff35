export { startFakeSlack } from './start-fake-slack.js';
export { checkBlocks, type CheckBlocksOptions } from './check-blocks.js';
export {
  FAKE_BOT,
  type FakeFile,
  type FakeMessage,
  type FakeSlack,
  type FakeSlackOptions,
  type FakeUser,
  type Outage,
  type RecordedCall,
} from './types.js';
export { quietLogger } from './quiet-logger.js';
export { SLACK_LIMITS, scaledLimits, type FakeSlackLimits } from './rate-limits.js';
