import { Logger } from '@nestjs/common';
import { createApp } from './app.setup.js';

const app = await createApp();
const port = Number(process.env.PORT ?? 3000);
await app.listen(port);
new Logger('Demo').log(`listening on http://localhost:${port}`);
