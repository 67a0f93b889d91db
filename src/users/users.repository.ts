import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

export interface User {
  id: string;
  tenantId: string;
  displayName: string;
  roles: string[];
}

interface UserRow {
  id: string;
  tenant_id: string;
  display_name: string;
  roles: string[];
  password_hash: string;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  tenantId: row.tenant_id,
  displayName: row.display_name,
  roles: row.roles,
});

@Injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  async findWithPassword(
    id: string,
  ): Promise<(User & { passwordHash: string }) | undefined> {
    const [row] = await this.db.query<UserRow>(
      'SELECT * FROM users WHERE id = $1',
      [id],
    );
    return row && { ...toUser(row), passwordHash: row.password_hash };
  }

  /** The user with this id in this tenant (users of other tenants do not exist for the caller). */
  async findInTenant(id: string, tenantId: string): Promise<User | undefined> {
    const [row] = await this.db.query<UserRow>(
      'SELECT * FROM users WHERE id = $1 AND tenant_id = $2',
      [id, tenantId],
    );
    return row && toUser(row);
  }

  /** Inserts a user unless one with this id exists. */
  async ensure(user: User, passwordHash: string): Promise<void> {
    await this.db.query(
      `INSERT INTO users (id, tenant_id, display_name, password_hash, roles)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
      [user.id, user.tenantId, user.displayName, passwordHash, user.roles],
    );
  }
}
