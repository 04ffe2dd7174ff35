import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChecklistTick } from '../../rollback/checklist-service.js';

/**
 * The report page's checklist form: a plain HTML form (the page runs no script), posted as
 * `application/x-www-form-urlencoded` to `POST /rollbacks/<job>/checklists` with the page's own access
 * (its signed-link query, the bearer token or localhost). A form can be posted cross-site without a
 * preflight, and the page's `Referrer-Policy: no-referrer` makes the browser send `Origin: null`, so the
 * Origin cannot tell the page's own post from a forged one: every form carries a token, an HMAC of the
 * rollback's id under a key only the bot knows. Another site cannot read the page, so cannot know it.
 */
export interface ChecklistFormFields {
  /** `<listId>|<itemId>|1` ticks the item, `...|0` unticks it: the value of the button clicked. */
  toggle: string;
  /** Who ticks: the name typed in the form (self-declared, as in the console). */
  name: string;
  token: string;
}

/** Why a form post was refused, with the HTTP status to answer. */
export class ChecklistFormError extends Error {
  constructor(
    readonly status: 400 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'ChecklistFormError';
  }
}

const NAME_PATTERN = /^[\p{L}\p{N} ._'@-]{1,60}$/u;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Longest form body accepted (a name, a toggle and a token fit in well under this). */
export const CHECKLIST_FORM_MAX_BYTES = 2048;

/** The form token of a rollback's checklists: hex HMAC-SHA256(key, "checklist-form\n" + jobId). */
export function checklistFormToken(key: string, jobId: string): string {
  return createHmac('sha256', key).update(`checklist-form\n${jobId}`, 'utf8').digest('hex');
}

/** The URL-encoded form body as fields (the last value of a repeated field wins). */
export function parseFormBody(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

/** Checks the token and reads the tick the form asks for; throws ChecklistFormError when it is not one. */
export function readChecklistForm(
  key: string,
  jobId: string,
  body: unknown,
): Omit<ChecklistTick, 'evidence'> {
  const fields = (body !== null && typeof body === 'object' ? body : {}) as Partial<ChecklistFormFields>;
  const token = typeof fields.token === 'string' ? fields.token : '';
  const expected = Buffer.from(checklistFormToken(key, jobId), 'hex');
  if (!/^[0-9a-f]{64}$/.test(token) || !timingSafeEqual(Buffer.from(token, 'hex'), expected)) {
    throw new ChecklistFormError(
      403,
      'This form was not sent by the report page: reload the page and try again.',
    );
  }
  const [listId = '', itemId = '', done = '', ...rest] = String(fields.toggle ?? '').split('|');
  if (!ID_PATTERN.test(listId) || !ID_PATTERN.test(itemId) || !/^[01]$/.test(done) || rest.length > 0) {
    throw new ChecklistFormError(400, 'Not a checklist item.');
  }
  const name = typeof fields.name === 'string' ? fields.name.trim().replace(/\s+/g, ' ') : '';
  if (!NAME_PATTERN.test(name)) {
    throw new ChecklistFormError(
      400,
      "Type your name in the form first (letters, digits, spaces, . _ ' @ -; at most 60): it is recorded as who ticked.",
    );
  }
  return {
    jobId,
    listId,
    itemId,
    done: done === '1',
    by: { id: `report:${name.toLowerCase().replace(/ /g, '.')}`, name, source: 'http' },
  };
}
