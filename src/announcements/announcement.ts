/** A stored announcement, as the API and the `announcement` event carry it. */
export interface Announcement {
  id: string;
  title: string;
  body: string;
  /** The admin who made it. */
  by: string;
  /** When it was made (ISO 8601). */
  at: string;
}
