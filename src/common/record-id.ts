/** Database ids (bigint identity columns) as they travel in URLs and JSON: decimal strings. */
export const RECORD_ID_PATTERN = /^\d{1,18}$/;

/** Whether a route parameter can be a record id; anything else is simply not found. */
export const isRecordId = (value: string): boolean =>
  RECORD_ID_PATTERN.test(value);
