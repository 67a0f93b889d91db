import { HttpStatus, Injectable } from '@nestjs/common';
import { SseHttpException, type SseIdentity } from '@app/sse';
import { Database } from '../database/database.js';
import { LiveEvents } from '../live/live-events.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { UsersRepository } from '../users/users.repository.js';
import type { Approval } from './approval.js';
import {
  ApprovalsRepository,
  type StoredApproval,
} from './approvals.repository.js';
import type {
  CreateApprovalDto,
  DecisionDto,
  ListApprovalsQuery,
} from './approvals.dto.js';

/** Topic on which every change of one approval is published. */
export const approvalTopic = (id: string): string => `approval:${id}`;

const notFound = () =>
  new SseHttpException(
    HttpStatus.NOT_FOUND,
    'approval_not_found',
    'No such approval.',
  );
const publicShape = ({
  tenantId: _tenant,
  ...approval
}: StoredApproval): Approval => approval;

/**
 * The multi-step approval workflow. Every change is committed first (with
 * the requester's notification, in the same transaction), then published:
 * `approval:requested` to the approver whose turn it is, and
 * `approval:status_changed` to the requester and on topic `approval:<id>`.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly db: Database,
    private readonly approvals: ApprovalsRepository,
    private readonly users: UsersRepository,
    private readonly notifications: NotificationsService,
    private readonly live: LiveEvents,
  ) {}

  async request(
    requester: SseIdentity,
    dto: CreateApprovalDto,
  ): Promise<Approval> {
    const tenantId = requester.tenantId!;
    for (const approverId of dto.approverIds) {
      if (!(await this.users.findInTenant(approverId, tenantId))) {
        throw new SseHttpException(
          HttpStatus.BAD_REQUEST,
          'invalid_approvers',
          `No user "${approverId}" in your organisation.`,
        );
      }
    }
    if (new Set(dto.approverIds).size !== dto.approverIds.length) {
      throw new SseHttpException(
        HttpStatus.BAD_REQUEST,
        'invalid_approvers',
        'Each approver may appear once.',
      );
    }
    const approval = await this.approvals.create({
      tenantId,
      requesterId: requester.userId,
      title: dto.title,
      description: dto.description,
      approverIds: dto.approverIds,
    });
    await this.live.toUser(
      approval.currentApproverId!,
      tenantId,
      'approval:requested',
      publicShape(approval),
    );
    return publicShape(approval);
  }

  async decide(
    actor: SseIdentity,
    id: string,
    action: 'approve' | 'reject',
    dto: DecisionDto,
  ): Promise<Approval> {
    const tenantId = actor.tenantId!;
    const { approval, pushNotification } = await this.db.transaction(
      async (tx) => {
        const current = await this.approvals.find(id, tenantId, tx, true);
        if (
          !current ||
          !(
            current.requesterId === actor.userId ||
            current.approverIds.includes(actor.userId)
          )
        )
          throw notFound();
        if (current.status !== 'pending') {
          throw new SseHttpException(
            HttpStatus.CONFLICT,
            'approval_decided',
            `This approval is already ${current.status}.`,
          );
        }
        if (current.currentApproverId !== actor.userId) {
          throw new SseHttpException(
            HttpStatus.FORBIDDEN,
            'not_current_approver',
            'It is not your turn to decide on this approval.',
          );
        }
        const step = action === 'approve' ? current.step + 1 : current.step;
        const status =
          action === 'reject'
            ? 'rejected'
            : step === current.approverIds.length
              ? 'approved'
              : 'pending';
        const updated = await this.approvals.decide(tx, id, tenantId, {
          status,
          step,
          actorId: actor.userId,
          action,
          comment: dto.comment,
        });
        const push = await this.notifications.store(
          {
            tenantId,
            recipientId: updated.requesterId,
            senderId: actor.userId,
            title: `"${updated.title}" ${describe(updated, actor.userId, action)}`,
            body: dto.comment ?? '',
            priority: status === 'rejected' ? 'high' : 'normal',
          },
          tx,
        );
        return { approval: updated, pushNotification: push };
      },
    );
    // Committed: now tell everyone concerned.
    const shape = publicShape(approval);
    await this.live.toUser(
      approval.requesterId,
      tenantId,
      'approval:status_changed',
      shape,
    );
    await this.live.toTopic(
      approvalTopic(id),
      tenantId,
      'approval:status_changed',
      shape,
    );
    if (approval.currentApproverId) {
      await this.live.toUser(
        approval.currentApproverId,
        tenantId,
        'approval:requested',
        shape,
      );
    }
    await pushNotification();
    return shape;
  }

  async list(
    user: SseIdentity,
    query: ListApprovalsQuery,
  ): Promise<Approval[]> {
    const found = await this.approvals.list(
      user.tenantId!,
      user.userId,
      query.role ?? 'requester',
      query.status,
    );
    return found.map(publicShape);
  }

  /** One approval with its decisions, for its participants only (404 for anyone else). */
  async get(user: SseIdentity, id: string): Promise<Approval> {
    await this.assertParticipant(user, id);
    const approval = (await this.approvals.find(id, user.tenantId!))!;
    return {
      ...publicShape(approval),
      actions: await this.approvals.actions(id, user.tenantId!),
    };
  }

  async assertParticipant(user: SseIdentity, id: string): Promise<void> {
    if (
      !user.tenantId ||
      !(await this.approvals.isParticipant(id, user.tenantId, user.userId))
    )
      throw notFound();
  }
}

function describe(
  approval: StoredApproval,
  actorId: string,
  action: 'approve' | 'reject',
): string {
  if (action === 'reject') return `was rejected by ${actorId}`;
  return approval.status === 'approved'
    ? `was approved`
    : `was approved by ${actorId}; waiting for ${approval.currentApproverId}`;
}
