import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Files of the demo page, served from `public/`, with their content types. */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};
const PUBLIC_DIR = join(process.cwd(), 'public');

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

  private serve(file: string, res: Response): Promise<string> {
    res.setHeader('Content-Type', FILES[file]);
    res.setHeader('Cache-Control', 'no-cache');
    return readFile(join(PUBLIC_DIR, file), 'utf8');
  }
}
