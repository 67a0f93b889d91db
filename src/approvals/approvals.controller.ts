import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  SseAuthGuard,
  SseErrorFilter,
  type SseIdentity,
  SseStreams,
  SseUser,
} from 'nestjs-sse-broker';
import type { Approval } from './approval.js';
import {
  CreateApprovalDto,
  DecisionDto,
  ListApprovalsQuery,
} from './approvals.dto.js';
import { ApprovalsService, approvalTopic } from './approvals.service.js';

@Controller('approvals')
@UseGuards(SseAuthGuard)
export class ApprovalsController {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly streams: SseStreams,
  ) {}

  @Post()
  request(
    @SseUser() user: SseIdentity,
    @Body() dto: CreateApprovalDto,
  ): Promise<Approval> {
    return this.approvals.request(user, dto);
  }

  @Post(':id/approve')
  @HttpCode(HttpStatus.OK)
  approve(
    @SseUser() user: SseIdentity,
    @Param('id') id: string,
    @Body() dto: DecisionDto,
  ): Promise<Approval> {
    return this.approvals.decide(user, id, 'approve', dto);
  }

  @Post(':id/reject')
  @HttpCode(HttpStatus.OK)
  reject(
    @SseUser() user: SseIdentity,
    @Param('id') id: string,
    @Body() dto: DecisionDto,
  ): Promise<Approval> {
    return this.approvals.decide(user, id, 'reject', dto);
  }

  @Get()
  list(
    @SseUser() user: SseIdentity,
    @Query() query: ListApprovalsQuery,
  ): Promise<Approval[]> {
    return this.approvals.list(user, query);
  }

  @Get(':id')
  get(
    @SseUser() user: SseIdentity,
    @Param('id') id: string,
  ): Promise<Approval> {
    return this.approvals.get(user, id);
  }

  /**
   * A full library stream on the application's own route: this approval's
   * topic, for a participant (others get a real 404 before the stream
   * opens), with the library's replay, heartbeats, token expiry, limits and
   * slow-consumer policy.
   */
  @Get(':id/events')
  @UseFilters(SseErrorFilter)
  async events(
    @SseUser() user: SseIdentity,
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.approvals.assertParticipant(user, id);
    await this.streams.open(request, response, {
      identity: user,
      topics: [approvalTopic(id)],
    });
  }
}
