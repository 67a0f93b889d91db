// Prints a JWT for trying the demo: node scripts/dev-token.mjs <userId> [tenantId] [role,role]
// Signed with JWT_SECRET, or the demo's development secret when it is unset.
import { JwtService } from '@nestjs/jwt';

const [userId = 'alice', tenantId, roles = 'admin'] = process.argv.slice(2);
const secret = process.env.JWT_SECRET || 'dev-only-insecure-secret-change-me';
const claims = {
  sub: userId,
  roles: roles.split(',').filter(Boolean),
  ...(tenantId && { tid: tenantId }),
};
console.log(new JwtService().sign(claims, { secret, expiresIn: '1h' }));
