import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  type MessageEvent,
  Param,
  Post,
  Query,
  Sse,
  UseGuards,
} from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import {
  SseAuthGuard,
  SseBroker,
  type SseIdentity,
  SseUser,
  toMessageEvent,
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
    private readonly broker: SseBroker,
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
   * The shape the library is known by: an `@Sse()` route, guarded like the
   * rest, returning the broker's Observable of this approval's topic. The
   * participant check runs before the stream opens, so others get a real 404.
   */
  @Sse(':id/events')
  async events(
    @SseUser() user: SseIdentity,
    @Param('id') id: string,
  ): Promise<Observable<MessageEvent>> {
    await this.approvals.assertParticipant(user, id);
    return this.broker
      .topicStream(approvalTopic(id), { tenantId: user.tenantId })
      .pipe(map(toMessageEvent));
  }
}
