import { Injectable } from '@nestjs/common';
import type { SseIdentity, SseTopicAuthorizer } from 'nestjs-sse-broker';
import { ApprovalsRepository } from './approvals.repository.js';

/**
 * Who may subscribe to what: `approval:<id>` only the requester and the
 * approvers of that approval (in their tenant); `announcements` everyone.
 */
@Injectable()
export class ApprovalTopicsAuthorizer implements SseTopicAuthorizer {
  constructor(private readonly approvals: ApprovalsRepository) {}

  async canSubscribe(user: SseIdentity, topic: string): Promise<boolean> {
    if (topic === 'announcements') return true;
    const id = /^approval:(\d{1,18})$/.exec(topic)?.[1];
    return (
      id !== undefined &&
      !!user.tenantId &&
      this.approvals.isParticipant(id, user.tenantId, user.userId)
    );
  }
}
