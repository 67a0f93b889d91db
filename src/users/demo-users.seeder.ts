import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { hashPassword } from '../auth/password.js';
import { type User, UsersRepository } from './users.repository.js';

/** The demo's users. Their password is `password`: demo only. */
export const DEMO_USERS: readonly User[] = [
  { id: 'alice', tenantId: 'acme', displayName: 'Alice', roles: [] },
  { id: 'bob', tenantId: 'acme', displayName: 'Bob', roles: [] },
  { id: 'carol', tenantId: 'acme', displayName: 'Carol', roles: [] },
  {
    id: 'admin',
    tenantId: 'acme',
    displayName: 'Acme admin',
    roles: ['admin'],
  },
  { id: 'dave', tenantId: 'globex', displayName: 'Dave', roles: [] },
];
export const DEMO_PASSWORD = 'password';

/** Creates the demo users on start when they do not exist yet. */
@Injectable()
export class DemoUsersSeeder implements OnApplicationBootstrap {
  constructor(private readonly users: UsersRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const user of DEMO_USERS) {
      if (await this.users.findWithPassword(user.id)) continue;
      await this.users.ensure(user, await hashPassword(DEMO_PASSWORD));
    }
  }
}
