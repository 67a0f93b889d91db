import { Module } from '@nestjs/common';
import { DemoUsersSeeder } from './demo-users.seeder.js';
import { UsersRepository } from './users.repository.js';

@Module({
  providers: [UsersRepository, DemoUsersSeeder],
  exports: [UsersRepository],
})
export class UsersModule {}
