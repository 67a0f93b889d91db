import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';

/** Files of the demo page, served from `public/`, with their content types. */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'items.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};
const PUBLIC_DIR = join(process.cwd(), 'public');

/** What the package's browser client build may contain, with content types. */
const CLIENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The built browser client of `nestjs-sse-broker` (`dist/client/`), found
 * the way the application resolves the package.
 */
function clientDir(): string {
  const require = createRequire(join(process.cwd(), 'package.json'));
  const pkg = require.resolve('nestjs-sse-broker/package.json');
  return join(dirname(pkg), 'dist', 'client');
}

@Controller()
export class WebController {
  @Get()
  index(@Res({ passthrough: true }) res: Response): Promise<string> {
    return this.serve('index.html', res);
  }

  @Get('assets/:file')
  asset(
    @Param('file') file: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    if (!Object.hasOwn(FILES, file)) throw new NotFoundException();
    return this.serve(file, res);
  }

  /**
   * The package's browser client as ES modules, so that the page imports it
   * without a bundler: `/vendor/nestjs-sse-broker/client/index.js`. Only
   * `.js` and `.map` files inside the client's build folder.
   */
  @Get('vendor/nestjs-sse-broker/client/*path')
  async client(
    @Param('path') path: string | string[],
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const segments = Array.isArray(path) ? path : path.split('/');
    const type = CLIENT_TYPES[extname(segments.at(-1) ?? '')];
    if (!type || segments.some((s) => s === '' || s.startsWith('.')))
      throw new NotFoundException();
    const root = clientDir();
    const file = resolve(root, ...segments);
    if (!file.startsWith(root + sep)) throw new NotFoundException();
    const content = await readFile(file, 'utf8').catch(() => {
      throw new NotFoundException();
    });
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-cache');
    return content;
  }

  private serve(file: string, res: Response): Promise<string> {
    res.setHeader('Content-Type', FILES[file]);
    res.setHeader('Cache-Control', 'no-cache');
    return readFile(join(PUBLIC_DIR, file), 'utf8');
  }
}
