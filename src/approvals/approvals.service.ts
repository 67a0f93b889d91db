import { HttpStatus, Injectable } from '@nestjs/common';
import { SseHttpException, type SseIdentity } from 'nestjs-sse-broker';
import { LiveEvents } from '../live/live-events.service.js';
import type { NewNotification } from '../notifications/notifications.repository.js';
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
const selfApproval = () =>
  new SseHttpException(
    HttpStatus.BAD_REQUEST,
    'self_approval',
    'You cannot approve your own request: choose someone else as approver.',
  );
const publicShape = ({
  tenantId: _tenant,
  ...approval
}: StoredApproval): Approval => approval;

/**
 * The multi-step approval workflow. Every change is committed with its
 * notifications (the requester's on each decision; the approver's when the
 * request reaches them) and its live events in the same transaction (the
 * outbox, see `LiveEvents`), which are published once it has committed:
 * `approval:requested` and a `notification` to the approver whose turn it is,
 * `approval:status_changed` and a `notification` to the requester,
 * `approval:status_changed` to every other approver (those who decided, the
 * decider's other tabs, those whose turn is still to come), and
 * `approval:status_changed` on topic `approval:<id>`. A requester is never
 * one of their own approvers (400 `self_approval`).
 */
@Injectable()
export class ApprovalsService {
  constructor(
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
    if (dto.approverIds.includes(requester.userId)) throw selfApproval();
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
    const approval = await this.live.transaction(async (tx) => {
      const created = await this.approvals.create(
        {
          tenantId,
          requesterId: requester.userId,
          title: dto.title,
          description: dto.description,
          approverIds: dto.approverIds,
        },
        tx,
      );
      await tx.toUser(
        created.currentApproverId!,
        tenantId,
        'approval:requested',
        publicShape(created),
      );
      await this.notifications.store(
        approverNotice(created, requester.userId),
        tx,
      );
      return created;
    });
    return publicShape(approval);
  }

  async decide(
    actor: SseIdentity,
    id: string,
    action: 'approve' | 'reject',
    dto: DecisionDto,
  ): Promise<Approval> {
    const tenantId = actor.tenantId!;
    const approval = await this.live.transaction(async (tx) => {
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
      // Requests made before the requester was refused as an approver can
      // still name them; they may withdraw (reject) but not approve.
      if (action === 'approve' && current.requesterId === actor.userId)
        throw selfApproval();
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
      // Committed together: the decision and everyone's events.
      const shape = publicShape(updated);
      await tx.toUser(
        updated.requesterId,
        tenantId,
        'approval:status_changed',
        shape,
      );
      // Every approver keeps the request in their history (the decider's
      // other tabs too), except the one it now waits for, who gets
      // `approval:requested` with the same data: one event per user.
      for (const approverId of new Set(updated.approverIds))
        if (
          approverId !== updated.requesterId &&
          approverId !== updated.currentApproverId
        )
          await tx.toUser(
            approverId,
            tenantId,
            'approval:status_changed',
            shape,
          );
      await tx.toTopic(
        approvalTopic(id),
        tenantId,
        'approval:status_changed',
        shape,
      );
      if (updated.currentApproverId)
        await tx.toUser(
          updated.currentApproverId,
          tenantId,
          'approval:requested',
          shape,
        );
      await this.notifications.store(
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
      if (updated.currentApproverId)
        await this.notifications.store(
          approverNotice(updated, actor.userId),
          tx,
        );
      return updated;
    });
    return publicShape(approval);
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

/** The notification that asks the current approver to decide. */
function approverNotice(
  approval: StoredApproval,
  senderId: string,
): NewNotification {
  const previous = approval.approverIds.slice(0, approval.step);
  return {
    tenantId: approval.tenantId,
    recipientId: approval.currentApproverId!,
    senderId,
    title: `"${approval.title}" waits for your approval`,
    body: previous.length
      ? `Requested by ${approval.requesterId}; approved by ${previous.join(', ')}.`
      : `Requested by ${approval.requesterId}.`,
    priority: 'normal',
  };
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
