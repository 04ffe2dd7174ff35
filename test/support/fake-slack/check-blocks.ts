/**
 * The Block Kit limits Slack enforces, checked the way Slack reports them: a list of
 * "[ERROR] ... [json-pointer:/blocks/0/text/text]" messages, empty when the blocks are valid.
 * Covers the block and element types rollback-bot draws; other types are rejected as unknown.
 */
export interface CheckBlocksOptions {
  /** 50 for messages, 100 for modals and Home tabs. */
  maxBlocks?: number;
}

type Problems = string[];
type Obj = Record<string, unknown>;

const BLOCK_TYPES = new Set([
  'section',
  'header',
  'context',
  'divider',
  'actions',
  'image',
  'input',
  'rich_text',
]);

export function checkBlocks(blocks: unknown, options: CheckBlocksOptions = {}): string[] {
  const problems: Problems = [];
  const maxBlocks = options.maxBlocks ?? 50;
  if (!Array.isArray(blocks)) return ['[ERROR] must be an array [json-pointer:/blocks]'];
  if (blocks.length > maxBlocks)
    problems.push(`[ERROR] no more than ${maxBlocks} items allowed [json-pointer:/blocks]`);
  blocks.forEach((block, index) => checkBlock(block, `/blocks/${index}`, problems));
  return problems;
}

function checkBlock(block: unknown, at: string, problems: Problems): void {
  if (!isObj(block) || typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
    problems.push(`[ERROR] unsupported type [json-pointer:${at}/type]`);
    return;
  }
  maxLength(block.block_id, 255, `${at}/block_id`, problems);
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        problems.push(`[ERROR] must provide either text or fields [json-pointer:${at}]`);
      }
      if (block.text !== undefined) checkText(block.text, 3000, `${at}/text`, problems);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields))
          problems.push(`[ERROR] must be an array [json-pointer:${at}/fields]`);
        else {
          if (block.fields.length > 10)
            problems.push(`[ERROR] no more than 10 items allowed [json-pointer:${at}/fields]`);
          block.fields.forEach((field, i) => checkText(field, 2000, `${at}/fields/${i}`, problems));
        }
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${at}/accessory`, problems);
      return;
    }
    case 'header':
      checkText(block.text, 150, `${at}/text`, problems, 'plain_text');
      return;
    case 'context':
      checkList(block.elements, 10, `${at}/elements`, problems, (element, path) => {
        if (isObj(element) && element.type === 'image') return;
        checkText(element, 3000, path, problems);
      });
      return;
    case 'actions':
      checkList(block.elements, 25, `${at}/elements`, problems, (element, path) =>
        checkElement(element, path, problems),
      );
      return;
    default:
      return;
  }
}

function checkElement(element: unknown, at: string, problems: Problems): void {
  if (!isObj(element) || typeof element.type !== 'string') {
    problems.push(`[ERROR] missing required field: type [json-pointer:${at}]`);
    return;
  }
  maxLength(element.action_id, 255, `${at}/action_id`, problems);
  if (element.type === 'button') {
    checkText(element.text, 75, `${at}/text`, problems, 'plain_text');
    maxLength(element.value, 2000, `${at}/value`, problems);
    maxLength(element.url, 3000, `${at}/url`, problems);
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
      problems.push(`[ERROR] must be one of primary, danger [json-pointer:${at}/style]`);
    }
  }
  if (element.confirm !== undefined) {
    const confirm = element.confirm;
    if (!isObj(confirm)) problems.push(`[ERROR] must be an object [json-pointer:${at}/confirm]`);
    else {
      checkText(confirm.title, 100, `${at}/confirm/title`, problems, 'plain_text');
      checkText(confirm.text, 300, `${at}/confirm/text`, problems);
      checkText(confirm.confirm, 30, `${at}/confirm/confirm`, problems, 'plain_text');
      checkText(confirm.deny, 30, `${at}/confirm/deny`, problems, 'plain_text');
    }
  }
  if (element.type === 'checkboxes' || element.type === 'radio_buttons') {
    checkList(element.options, 10, `${at}/options`, problems, () => undefined);
  }
}

function checkText(value: unknown, max: number, at: string, problems: Problems, only?: 'plain_text'): void {
  if (
    !isObj(value) ||
    (value.type !== 'plain_text' && value.type !== 'mrkdwn') ||
    typeof value.text !== 'string'
  ) {
    problems.push(`[ERROR] must be a text object with type and text [json-pointer:${at}]`);
    return;
  }
  if (only !== undefined && value.type !== only)
    problems.push(`[ERROR] must be ${only} [json-pointer:${at}/type]`);
  if (value.text.length === 0)
    problems.push(`[ERROR] must be more than 0 characters [json-pointer:${at}/text]`);
  maxLength(value.text, max, `${at}/text`, problems);
}

function checkList(
  value: unknown,
  max: number,
  at: string,
  problems: Problems,
  each: (item: unknown, path: string) => void,
): void {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`[ERROR] must be a non-empty array [json-pointer:${at}]`);
    return;
  }
  if (value.length > max) problems.push(`[ERROR] no more than ${max} items allowed [json-pointer:${at}]`);
  value.forEach((item, i) => each(item, `${at}/${i}`));
}

function maxLength(value: unknown, max: number, at: string, problems: Problems): void {
  if (typeof value === 'string' && value.length > max) {
    problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${at}]`);
  }
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
