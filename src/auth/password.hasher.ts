import { Injectable } from '@nestjs/common';
import { hashPassword, verifyPassword } from './password.js';

/** Password hashing as a provider, so that the login's use of it can be observed in tests. */
@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return hashPassword(password);
  }

  verify(password: string, stored: string): Promise<boolean> {
    return verifyPassword(password, stored);
  }
}
