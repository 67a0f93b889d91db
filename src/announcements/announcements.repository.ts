import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../database/database.js';
import type { Announcement } from './announcement.js';

interface Row {
  id: string | number;
  author_id: string;
  title: string;
  body: string;
  created_at: Date;
}

const toAnnouncement = (row: Row): Announcement => ({
  id: String(row.id),
  title: row.title,
  body: row.body,
  by: row.author_id,
  at: new Date(row.created_at).toISOString(),
});

@Injectable()
export class AnnouncementsRepository {
  constructor(private readonly db: Database) {}

  async create(
    a: {
      tenantId: string;
      authorId: string;
      title: string;
      body: string;
    },
    on: Queryable = this.db,
  ): Promise<Announcement> {
    const [row] = await on.query<Row>(
      `INSERT INTO announcements (tenant_id, author_id, title, body)
       VALUES ($1, $2, $3, $4) RETURNING *`,
      [a.tenantId, a.authorId, a.title, a.body],
    );
    return toAnnouncement(row);
  }

  /** The tenant's announcements, newest first. */
  async list(tenantId: string, limit: number): Promise<Announcement[]> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM announcements WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2',
      [tenantId, limit],
    );
    return rows.map(toAnnouncement);
  }
}
