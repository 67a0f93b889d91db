import { Injectable } from '@nestjs/common';
import { isRecordId } from '../common/record-id.js';
import { Database, type Queryable } from '../database/database.js';
import type { Approval, ApprovalAction, ApprovalStatus } from './approval.js';

interface Row {
  id: string | number;
  tenant_id: string;
  requester_id: string;
  title: string;
  description: string | null;
  status: ApprovalStatus;
  step: number;
  approver_ids: string[];
  created_at: Date;
  updated_at: Date;
}

/** An approval with the tenant it belongs to (kept out of the API's shape). */
export type StoredApproval = Approval & { tenantId: string };

const toApproval = (row: Row): StoredApproval => ({
  id: String(row.id),
  tenantId: row.tenant_id,
  requesterId: row.requester_id,
  title: row.title,
  description: row.description,
  status: row.status,
  step: row.step,
  approverIds: row.approver_ids,
  currentApproverId:
    row.status === 'pending' ? row.approver_ids[row.step] : null,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

@Injectable()
export class ApprovalsRepository {
  constructor(private readonly db: Database) {}

  async create(
    a: {
      tenantId: string;
      requesterId: string;
      title: string;
      description?: string;
      approverIds: string[];
    },
    on: Queryable = this.db,
  ): Promise<StoredApproval> {
    const [row] = await on.query<Row>(
      `INSERT INTO approvals (tenant_id, requester_id, title, description, status, step, approver_ids)
       VALUES ($1, $2, $3, $4, 'pending', 0, $5) RETURNING *`,
      [
        a.tenantId,
        a.requesterId,
        a.title,
        a.description ?? null,
        a.approverIds,
      ],
    );
    return toApproval(row);
  }

  /** The approval, in the tenant; locked for update when read in a transaction. */
  async find(
    id: string,
    tenantId: string,
    on: Queryable = this.db,
    lock = false,
  ): Promise<StoredApproval | undefined> {
    if (!isRecordId(id)) return undefined;
    const [row] = await on.query<Row>(
      `SELECT * FROM approvals WHERE id = $1::bigint AND tenant_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [id, tenantId],
    );
    return row && toApproval(row);
  }

  /** The decisions on an approval of the tenant, oldest first. */
  async actions(id: string, tenantId: string): Promise<ApprovalAction[]> {
    const rows = await this.db.query<{
      actor_id: string;
      action: 'approve' | 'reject';
      comment: string | null;
      created_at: Date;
    }>(
      `SELECT a.* FROM approval_actions a JOIN approvals p ON p.id = a.approval_id
       WHERE a.approval_id = $1::bigint AND p.tenant_id = $2 ORDER BY a.id`,
      [id, tenantId],
    );
    return rows.map((r) => ({
      actorId: r.actor_id,
      action: r.action,
      comment: r.comment,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  async decide(
    tx: Queryable,
    id: string,
    tenantId: string,
    change: {
      status: ApprovalStatus;
      step: number;
      actorId: string;
      action: 'approve' | 'reject';
      comment?: string;
    },
  ): Promise<StoredApproval> {
    const [row] = await tx.query<Row>(
      `UPDATE approvals SET status = $3, step = $4, updated_at = now()
       WHERE id = $1::bigint AND tenant_id = $2 RETURNING *`,
      [id, tenantId, change.status, change.step],
    );
    await tx.query(
      'INSERT INTO approval_actions (approval_id, actor_id, action, comment) VALUES ($1::bigint, $2, $3, $4)',
      [id, change.actorId, change.action, change.comment ?? null],
    );
    return toApproval(row);
  }

  async list(
    tenantId: string,
    userId: string,
    role: 'requester' | 'approver',
    status?: ApprovalStatus,
  ): Promise<StoredApproval[]> {
    const who =
      role === 'requester' ? 'requester_id = $2' : '$2 = ANY(approver_ids)';
    const rows = await this.db.query<Row>(
      `SELECT * FROM approvals WHERE tenant_id = $1 AND ${who} AND ($3::text IS NULL OR status = $3) ORDER BY id DESC LIMIT 100`,
      [tenantId, userId, status ?? null],
    );
    return rows.map(toApproval);
  }

  /** Whether the user requested or approves this approval (in the tenant). */
  async isParticipant(
    id: string,
    tenantId: string,
    userId: string,
  ): Promise<boolean> {
    const approval = await this.find(id, tenantId);
    return (
      !!approval &&
      (approval.requesterId === userId || approval.approverIds.includes(userId))
    );
  }
}
